# The tick (ADR-0007): one Step Functions EXPRESS execution per tick over the phase functions,
# EventBridge Scheduler one-time schedules for long sleeps, and the timer-ledger sweeper.
# The definition is the repository's own tick.asl.json, its ${..._function_arn} placeholders
# filled by templatefile.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  state_machine_arn = "arn:${data.aws_partition.current.partition}:states:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:stateMachine:${var.state_machine_name}"
}

resource "aws_scheduler_schedule_group" "wakes" {
  name = "${var.name_prefix}wakes"
  tags = var.tags
}

# Schedules whose target could not be started after the retry policy (24 h, 185 attempts).
resource "aws_sqs_queue" "wake_dlq" {
  name                      = "${var.name_prefix}wake-dlq"
  message_retention_seconds = 1209600
  kms_master_key_id         = var.kms_key_arn
  sqs_managed_sse_enabled   = var.kms_key_arn == null ? true : null
  tags                      = var.tags
}

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

# The role EventBridge Scheduler assumes to start a tick (MAESTRO_SCHEDULER_ROLE_ARN).
resource "aws_iam_role" "scheduler" {
  name               = "${var.name_prefix}scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid       = "StartTick"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.wake_dlq.arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "start-tick"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_cloudwatch_log_group" "tick" {
  name              = "/aws/vendedlogs/states/${var.state_machine_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}tick-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid       = "InvokePhases"
    actions   = ["lambda:InvokeFunction"]
    resources = values(var.phase_function_arns)
  }
  # Step Functions' log delivery goes through CloudWatch Logs' vended-logs API, which does not
  # support resource-level permissions.
  statement {
    sid = "LogDelivery"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "tick"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

resource "aws_sfn_state_machine" "tick" {
  name     = var.state_machine_name
  type     = "EXPRESS"
  role_arn = aws_iam_role.state_machine.arn
  definition = templatefile(var.definition_file, {
    acquire_function_arn       = var.phase_function_arns["tick-acquire"]
    step_function_arn          = var.phase_function_arns["tick-step"]
    persist_function_arn       = var.phase_function_arns["tick-persist"]
    schedule_wake_function_arn = var.phase_function_arns["tick-schedule-wake"]
    release_function_arn       = var.phase_function_arns["tick-release"]
    fail_function_arn          = var.phase_function_arns["tick-fail"]
  })

  # Express executions keep no history of their own: the log is where a failed tick is read.
  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.tick.arn}:*"
    include_execution_data = false
    level                  = "ERROR"
  }

  tracing_configuration {
    enabled = true
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.state_machine]
}

# The sweeper: every minute, a tick for every ledger entry overdue by 2 minutes.
resource "aws_cloudwatch_event_rule" "sweep" {
  name                = "${var.name_prefix}sweep"
  description         = "Starts the timer-ledger sweeper (WakeSweepHandler)."
  schedule_expression = var.sweep_schedule
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "sweep" {
  rule = aws_cloudwatch_event_rule.sweep.name
  arn  = var.sweep_function_arn
  retry_policy {
    maximum_retry_attempts       = 0
    maximum_event_age_in_seconds = 60
  }
}

resource "aws_lambda_permission" "sweep" {
  statement_id  = "sweep-rule"
  action        = "lambda:InvokeFunction"
  function_name = var.sweep_function_name
  qualifier     = element(split(":", var.sweep_function_arn), length(split(":", var.sweep_function_arn)) - 1)
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.sweep.arn
}
