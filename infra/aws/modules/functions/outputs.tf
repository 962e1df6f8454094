output "function_names" {
  description = "Function names by function key."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "alias_arns" {
  description = "ARNs of the \"live\" alias (the SnapStart version) by function key."
  value       = { for k, a in aws_lambda_alias.live : k => a.arn }
}

output "alias_invoke_arns" {
  description = "Invoke ARNs of the \"live\" alias (API Gateway integrations)."
  value       = { for k, a in aws_lambda_alias.live : k => a.invoke_arn }
}

output "role_names" {
  description = "Execution role names by function key (event-source modules attach their read permissions here)."
  value       = { for k, r in aws_iam_role.fn : k => r.name }
}

output "async_dlq_arns" {
  description = "Asynchronous-invocation dead-letter queues by function key."
  value       = { for k, q in aws_sqs_queue.async_dlq : k => q.arn }
}

output "async_dlq_names" {
  description = "Asynchronous-invocation dead-letter queue names by function key."
  value       = { for k, q in aws_sqs_queue.async_dlq : k => q.name }
}
