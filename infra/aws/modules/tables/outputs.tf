output "table_names" {
  description = "Table names by DynamoTables accessor."
  value = {
    continuations = aws_dynamodb_table.continuations.name
    events        = aws_dynamodb_table.events.name
    idempotency   = aws_dynamodb_table.idempotency.name
    timers        = aws_dynamodb_table.timers.name
    subscriptions = aws_dynamodb_table.subscriptions.name
    budget        = aws_dynamodb_table.budget.name
    dead_letters  = aws_dynamodb_table.dead_letters.name
  }
}

output "table_arns" {
  description = "Table ARNs by DynamoTables accessor."
  value = {
    continuations = aws_dynamodb_table.continuations.arn
    events        = aws_dynamodb_table.events.arn
    idempotency   = aws_dynamodb_table.idempotency.arn
    timers        = aws_dynamodb_table.timers.arn
    subscriptions = aws_dynamodb_table.subscriptions.arn
    budget        = aws_dynamodb_table.budget.arn
    dead_letters  = aws_dynamodb_table.dead_letters.arn
  }
}

output "events_stream_arn" {
  description = "The events table's stream (NEW_IMAGE), read by the cdc function."
  value       = aws_dynamodb_table.events.stream_arn
}

output "tenant_read_policy_arn" {
  description = "The tenant-scoped read policy (dynamodb:LeadingKeys), when created."
  value       = try(aws_iam_policy.tenant_read[0].arn, null)
}
