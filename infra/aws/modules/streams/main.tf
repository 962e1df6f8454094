# Stream sources and their dead letters (functions-aws README, "Stream wakes and CDC"):
#   SQS queue        -> sqs-wake          (ReportBatchItemFailures; redrive to a DLQ)
#   Kinesis stream   -> kinesis-wake      (ReportBatchItemFailures, bisect; failures to an SQS DLQ)
#   EventBridge rule -> eventbridge-wake  (async: Lambda retries, then the function's DLQ; the rule
#                                          target's own DLQ for delivery failures)
#   events table stream (NEW_IMAGE) -> cdc (ReportBatchItemFailures; failures to an SQS DLQ)
# Poison records are acknowledged by the handlers and kept in the dead_letters table; these DLQs
# hold what could not be delivered to the functions at all.

locals {
  sqs_managed_sse = var.kms_key_arn == null ? true : null
}

resource "aws_sqs_queue" "wakes_dlq" {
  name                      = "${var.name_prefix}stream-wakes-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_sqs_queue" "wakes" {
  name                       = "${var.name_prefix}stream-wakes"
  visibility_timeout_seconds = 360 # six times the function timeout
  message_retention_seconds  = 345600
  kms_master_key_id          = var.kms_key_arn
  sqs_managed_sse_enabled    = local.sqs_managed_sse
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.wakes_dlq.arn
    maxReceiveCount     = 5
  })
  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "sqs" {
  event_source_arn                   = aws_sqs_queue.wakes.arn
  function_name                      = var.function_alias_arns["sqs-wake"]
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]
  depends_on                         = [aws_iam_role_policy.sqs_wake]
}

data "aws_iam_policy_document" "sqs_wake" {
  statement {
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
    resources = [aws_sqs_queue.wakes.arn]
  }
}

resource "aws_iam_role_policy" "sqs_wake" {
  name   = "sqs-source"
  role   = var.role_names["sqs-wake"]
  policy = data.aws_iam_policy_document.sqs_wake.json
}

resource "aws_kinesis_stream" "wakes" {
  count            = var.enable_kinesis ? 1 : 0
  name             = "${var.name_prefix}stream-wakes"
  shard_count      = var.kinesis_shard_count == 0 ? null : var.kinesis_shard_count
  retention_period = 24
  encryption_type  = "KMS"
  kms_key_id       = coalesce(var.kms_key_arn, "alias/aws/kinesis")
  stream_mode_details {
    stream_mode = var.kinesis_shard_count == 0 ? "ON_DEMAND" : "PROVISIONED"
  }
  tags = var.tags
}

resource "aws_sqs_queue" "kinesis_dlq" {
  count                     = var.enable_kinesis ? 1 : 0
  name                      = "${var.name_prefix}kinesis-wakes-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_lambda_event_source_mapping" "kinesis" {
  count                          = var.enable_kinesis ? 1 : 0
  event_source_arn               = aws_kinesis_stream.wakes[0].arn
  function_name                  = var.function_alias_arns["kinesis-wake"]
  starting_position              = "TRIM_HORIZON"
  batch_size                     = 100
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = 10
  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.kinesis_dlq[0].arn
    }
  }
  depends_on = [aws_iam_role_policy.kinesis_wake]
}

data "aws_iam_policy_document" "kinesis_wake" {
  count = var.enable_kinesis ? 1 : 0
  statement {
    actions = [
      "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary", "kinesis:ListShards", "kinesis:ListStreams",
    ]
    resources = [aws_kinesis_stream.wakes[0].arn]
  }
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.kinesis_dlq[0].arn]
  }
}

resource "aws_iam_role_policy" "kinesis_wake" {
  count  = var.enable_kinesis ? 1 : 0
  name   = "kinesis-source"
  role   = var.role_names["kinesis-wake"]
  policy = data.aws_iam_policy_document.kinesis_wake[0].json
}

resource "aws_cloudwatch_event_rule" "wakes" {
  name           = "${var.name_prefix}stream-wakes"
  description    = "Stream messages that wake continuations (EventBridgeWakeHandler reads detail)."
  event_bus_name = var.event_bus_name
  event_pattern  = var.event_pattern
  tags           = var.tags
}

resource "aws_sqs_queue" "eventbridge_dlq" {
  name                      = "${var.name_prefix}eventbridge-wakes-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

data "aws_iam_policy_document" "eventbridge_dlq" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.eventbridge_dlq.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.wakes.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "eventbridge_dlq" {
  queue_url = aws_sqs_queue.eventbridge_dlq.id
  policy    = data.aws_iam_policy_document.eventbridge_dlq.json
}

resource "aws_cloudwatch_event_target" "wakes" {
  rule           = aws_cloudwatch_event_rule.wakes.name
  event_bus_name = var.event_bus_name
  arn            = var.function_alias_arns["eventbridge-wake"]
  retry_policy {
    maximum_retry_attempts       = 185
    maximum_event_age_in_seconds = 86400
  }
  dead_letter_config {
    arn = aws_sqs_queue.eventbridge_dlq.arn
  }
}

resource "aws_lambda_permission" "eventbridge" {
  statement_id  = "stream-wakes-rule"
  action        = "lambda:InvokeFunction"
  function_name = var.function_names["eventbridge-wake"]
  qualifier     = "live"
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.wakes.arn
}

resource "aws_sqs_queue" "cdc_dlq" {
  name                      = "${var.name_prefix}cdc-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = local.sqs_managed_sse
  tags                      = var.tags
}

resource "aws_lambda_event_source_mapping" "cdc" {
  event_source_arn               = var.events_stream_arn
  function_name                  = var.function_alias_arns["cdc"]
  starting_position              = "TRIM_HORIZON"
  batch_size                     = 100
  function_response_types        = ["ReportBatchItemFailures"]
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = 20
  filter_criteria {
    filter {
      pattern = jsonencode({ eventName = ["INSERT"] })
    }
  }
  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.cdc_dlq.arn
    }
  }
  depends_on = [aws_iam_role_policy.cdc]
}

data "aws_iam_policy_document" "cdc" {
  statement {
    actions   = ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"]
    resources = [var.events_stream_arn]
  }
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.cdc_dlq.arn]
  }
}

resource "aws_iam_role_policy" "cdc" {
  name   = "events-stream"
  role   = var.role_names["cdc"]
  policy = data.aws_iam_policy_document.cdc.json
}
