# The DynamoDB tables of one deployment, exactly as dev.maestro.aws.dynamodb.DynamoSchema creates
# them (names DynamoTables.prefix() + suffix, keys, the timers index, the events stream, TTLs).
# InfraConsistencyTest compares these resources with DynamoSchema's own table definitions.
# Every table is on-demand with point-in-time recovery (docs/runbooks/restore.md).

resource "aws_dynamodb_table" "continuations" {
  name                        = "${var.table_prefix}continuations"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "events" {
  name                        = "${var.table_prefix}events"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  # CdcHandler reads inserts with their new image (subscriptions index, fact rows).
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "N"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "idempotency" {
  name                        = "${var.table_prefix}idempotency"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "timers" {
  name                        = "${var.table_prefix}timers"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "dueShard"
    type = "N"
  }

  attribute {
    name = "dueAt"
    type = "N"
  }

  # DynamoTables.TIMERS_BY_DUE_INDEX: the timer ledger ordered by due time, in 4 shards.
  global_secondary_index {
    name            = "by-due"
    hash_key        = "dueShard"
    range_key       = "dueAt"
    projection_type = "KEYS_ONLY"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "subscriptions" {
  name                        = "${var.table_prefix}subscriptions"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "budget" {
  name                        = "${var.table_prefix}budget"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  # DynamoBudgetLedger.TTL_ATTRIBUTE: reservations expire a day after their time to live.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

resource "aws_dynamodb_table" "dead_letters" {
  name                        = "${var.table_prefix}dead_letters"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  # DynamoSchema.DEAD_LETTER_TTL: poison stream records are kept 14 days.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

# Read access for a principal tagged with its tenant (an analyst or support role assumed with the
# session tag "tenant"): only items whose partition key starts with "<tenant>#". Keys of every
# tenant-scoped table begin with the tenant and a tenant id cannot contain '#', so this is the
# store-level isolation of BRIEF §3.5 for humans. The functions themselves serve every tenant and
# are not restricted this way: the tenant comes from the verified token, never from the body.
data "aws_iam_policy_document" "tenant_read" {
  statement {
    sid     = "TenantItemsOnly"
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
    resources = [
      aws_dynamodb_table.continuations.arn,
      aws_dynamodb_table.events.arn,
      aws_dynamodb_table.timers.arn,
    ]

    condition {
      test     = "ForAllValues:StringLike"
      variable = "dynamodb:LeadingKeys"
      values   = ["$${aws:PrincipalTag/tenant}#*"]
    }
  }
}

resource "aws_iam_policy" "tenant_read" {
  count       = var.create_tenant_read_policy ? 1 : 0
  name        = "${var.table_prefix}maestro-tenant-read"
  description = "Read one tenant's continuations, events and timers (tenant from the principal tag)."
  policy      = data.aws_iam_policy_document.tenant_read.json
  tags        = var.tags
}
