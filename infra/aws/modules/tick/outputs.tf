output "state_machine_arn" {
  description = "The tick state machine."
  value       = aws_sfn_state_machine.tick.arn
}

output "state_machine_name" {
  description = "The tick state machine's name."
  value       = aws_sfn_state_machine.tick.name
}

output "computed_state_machine_arn" {
  description = "The state machine ARN computed from its name (known before it exists)."
  value       = local.state_machine_arn
}

output "schedule_group_name" {
  description = "The wake schedules' group (MAESTRO_SCHEDULE_GROUP)."
  value       = aws_scheduler_schedule_group.wakes.name
}

output "scheduler_role_arn" {
  description = "The role Scheduler assumes (MAESTRO_SCHEDULER_ROLE_ARN)."
  value       = aws_iam_role.scheduler.arn
}

output "wake_dlq_arn" {
  description = "The wake schedules' dead-letter queue (MAESTRO_WAKE_DLQ_ARN)."
  value       = aws_sqs_queue.wake_dlq.arn
}

output "wake_dlq_name" {
  description = "Name of the wake schedules' dead-letter queue."
  value       = aws_sqs_queue.wake_dlq.name
}
