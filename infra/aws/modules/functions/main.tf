# The Java 21 Lambda functions of functions-aws: one shared dependency layer and one package per
# function group (functions-aws/src/lambda/<group>.properties). Handlers are the classes the code
# ships; InfraConsistencyTest checks both directions (every handler named here exists and
# implements a Lambda handler; every handler of the module is deployed here).
#
# Each function: its own role (only the tables and actions it uses), its own log group, SnapStart
# on published versions, invoked through the alias "live" (SnapStart applies to versions only).

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Environment variable sets; a function's environment is the merge of the sets it names.
  # Every name here is read by the code (AwsRuntime, CloudSchedulerConfig, ApiHandler, CdcHandler,
  # OtlpSettings, InMemoryPolicyStore); blank values are read as unset.
  env_sets = {
    base = {
      MAESTRO_TABLE_PREFIX = var.table_prefix
      # Emergency compliance freezes (the API refuses new work; ticks see the kernel's freeze).
      MAESTRO_FROZEN_TENANTS = join(",", var.frozen_tenants)
      # Tiered compilation stopped at C1: the usual cold-start setting for short Java functions.
      JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1"
    }
    lease = {
      MAESTRO_LEASE_TTL = var.lease_ttl
    }
    scheduler = {
      MAESTRO_TICK_STATE_MACHINE_ARN = var.state_machine_arn
      MAESTRO_SCHEDULE_GROUP         = var.schedule_group_name
      MAESTRO_WAKE_TARGET_ARN        = var.state_machine_arn
      MAESTRO_SCHEDULER_ROLE_ARN     = var.scheduler_role_arn
      MAESTRO_WAKE_DLQ_ARN           = var.wake_dlq_arn
    }
    otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT = var.otel_exporter_otlp_endpoint
    }
    api = {
      MAESTRO_TENANT_CLAIM = var.tenant_claim
      MAESTRO_POLICY_DIR   = var.policy_dir
    }
    facts = {
      MAESTRO_FACTS_DELIVERY_STREAM = var.facts_delivery_stream_name
    }
  }

  # DynamoDB actions by access level. TransactWriteItems is authorised per item by these actions.
  table_actions = {
    rw = [
      "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
      "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
    ]
    r = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"]
    w = ["dynamodb:PutItem"]
  }

  # The functions. group: the deployment package; tables: DynamoTables accessor -> access level;
  # scan: tables it scans (recovery sweeps); async: invoked asynchronously (gets a DLQ).
  functions = {
    api = {
      group    = "api"
      handler  = "dev.maestro.aws.lambda.ApiHandler::handleRequest"
      memory   = 1024
      timeout  = 29
      env_sets = ["base", "scheduler", "otel", "api"]
      tables   = { continuations = "rw", events = "rw", idempotency = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    tick-acquire = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$Acquire::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    tick-step = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$Step::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = true
    }
    tick-persist = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$Persist::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    tick-schedule-wake = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$ScheduleWake::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    tick-release = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$Release::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    tick-fail = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.PhaseHandler$Fail::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    sweep = {
      group    = "tick"
      handler  = "dev.maestro.aws.tick.WakeSweepHandler::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "lease", "scheduler", "otel"]
      tables   = { continuations = "rw", events = "rw", timers = "rw", budget = "rw" }
      scan     = ["continuations"]
      async    = true
      firehose = false
      bedrock  = false
    }
    sqs-wake = {
      group    = "streams"
      handler  = "dev.maestro.aws.streams.SqsWakeHandler::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "scheduler"]
      tables   = { continuations = "r", subscriptions = "r", timers = "rw", dead_letters = "w" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    kinesis-wake = {
      group    = "streams"
      handler  = "dev.maestro.aws.streams.KinesisWakeHandler::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "scheduler"]
      tables   = { continuations = "r", subscriptions = "r", timers = "rw", dead_letters = "w" }
      scan     = []
      async    = false
      firehose = false
      bedrock  = false
    }
    eventbridge-wake = {
      group    = "streams"
      handler  = "dev.maestro.aws.streams.EventBridgeWakeHandler::handleRequest"
      memory   = 1024
      timeout  = 60
      env_sets = ["base", "scheduler"]
      tables   = { continuations = "r", subscriptions = "r", timers = "rw", dead_letters = "w" }
      scan     = []
      async    = true
      firehose = false
      bedrock  = false
    }
    cdc = {
      group    = "cdc"
      handler  = "dev.maestro.aws.cdc.CdcHandler::handleRequest"
      memory   = 1024
      timeout  = 120
      env_sets = ["base", "facts"]
      tables   = { continuations = "r", events = "r", subscriptions = "rw", dead_letters = "w" }
      scan     = []
      async    = false
      firehose = true
      bedrock  = false
    }
  }

  schedule_arn_pattern = "arn:${data.aws_partition.current.partition}:scheduler:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:schedule/${var.schedule_group_name}/*"
}

resource "aws_lambda_layer_version" "deps" {
  layer_name          = "${var.name_prefix}deps"
  description         = "Dependencies of the functions-aws packages (java/lib/*.jar)."
  filename            = "${var.packages_dir}/maestro-aws-layer.zip"
  source_code_hash    = filebase64sha256("${var.packages_dir}/maestro-aws-layer.zip")
  compatible_runtimes = ["java21"]
}

resource "aws_cloudwatch_log_group" "fn" {
  for_each          = local.functions
  name              = "/aws/lambda/${var.name_prefix}${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "fn" {
  for_each           = local.functions
  name               = "${var.name_prefix}${each.key}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
  tags               = var.tags
}

# Asynchronous invocations that fail every retry land here (sweep rule, EventBridge wakes).
resource "aws_sqs_queue" "async_dlq" {
  for_each                  = { for k, f in local.functions : k => f if f.async }
  name                      = "${var.name_prefix}${each.key}-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = var.kms_key_arn == null ? true : null
  tags                      = var.tags
}

data "aws_iam_policy_document" "fn" {
  for_each = local.functions

  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.fn[each.key].arn}:*"]
  }

  dynamic "statement" {
    for_each = each.value.tables
    content {
      sid       = "Table${replace(title(replace(statement.key, "_", " ")), " ", "")}"
      actions   = local.table_actions[statement.value]
      resources = [var.table_arns[statement.key], "${var.table_arns[statement.key]}/index/*"]
    }
  }

  dynamic "statement" {
    for_each = length(each.value.scan) > 0 ? [1] : []
    content {
      sid       = "RecoveryScan"
      actions   = ["dynamodb:Scan"]
      resources = [for t in each.value.scan : var.table_arns[t]]
    }
  }

  dynamic "statement" {
    for_each = contains(each.value.env_sets, "scheduler") ? [1] : []
    content {
      sid       = "StartTicks"
      actions   = ["states:StartExecution"]
      resources = [var.state_machine_arn]
    }
  }

  dynamic "statement" {
    for_each = contains(each.value.env_sets, "scheduler") ? [1] : []
    content {
      sid       = "WakeSchedules"
      actions   = ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule"]
      resources = [local.schedule_arn_pattern]
    }
  }

  dynamic "statement" {
    for_each = contains(each.value.env_sets, "scheduler") ? [1] : []
    content {
      sid       = "PassSchedulerRole"
      actions   = ["iam:PassRole"]
      resources = [var.scheduler_role_arn]
      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["scheduler.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.firehose ? [1] : []
    content {
      sid       = "FactRows"
      actions   = ["firehose:PutRecordBatch"]
      resources = [var.facts_delivery_stream_arn]
    }
  }

  dynamic "statement" {
    for_each = each.value.bedrock && length(var.bedrock_model_arns) > 0 ? [1] : []
    content {
      sid       = "BedrockConverse"
      actions   = ["bedrock:InvokeModel"]
      resources = var.bedrock_model_arns
    }
  }

  dynamic "statement" {
    for_each = each.value.async ? [1] : []
    content {
      sid       = "AsyncDeadLetters"
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.async_dlq[each.key].arn]
    }
  }
}

resource "aws_iam_role_policy" "fn" {
  for_each = local.functions
  name     = "maestro"
  role     = aws_iam_role.fn[each.key].id
  policy   = data.aws_iam_policy_document.fn[each.key].json
}

resource "aws_lambda_function" "this" {
  for_each         = local.functions
  function_name    = "${var.name_prefix}${each.key}"
  description      = "Maestro ${each.key} (${each.value.handler})"
  role             = aws_iam_role.fn[each.key].arn
  runtime          = "java21"
  architectures    = ["arm64"]
  handler          = each.value.handler
  filename         = "${var.packages_dir}/maestro-aws-${each.value.group}.zip"
  source_code_hash = filebase64sha256("${var.packages_dir}/maestro-aws-${each.value.group}.zip")
  layers           = concat([aws_lambda_layer_version.deps.arn], var.extra_layer_arns)
  memory_size      = each.value.memory
  timeout          = each.value.timeout
  kms_key_arn      = var.kms_key_arn
  publish          = true

  # SnapStart: the static initialisation (clients, router, primed paths) is snapshotted once per
  # version. No provisioned concurrency, EFS or large ephemeral storage on these functions.
  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = merge([for s in each.value.env_sets : local.env_sets[s]]...)
  }

  dynamic "dead_letter_config" {
    for_each = each.value.async ? [1] : []
    content {
      target_arn = aws_sqs_queue.async_dlq[each.key].arn
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.fn[each.key].name
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.fn]
}

resource "aws_lambda_alias" "live" {
  for_each         = local.functions
  name             = "live"
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = aws_lambda_function.this[each.key].version
}

resource "aws_lambda_function_event_invoke_config" "async" {
  for_each                     = { for k, f in local.functions : k => f if f.async }
  function_name                = aws_lambda_function.this[each.key].function_name
  qualifier                    = aws_lambda_alias.live[each.key].name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
}
