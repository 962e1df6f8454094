output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = module.api.api_endpoint
}

output "user_pool_id" {
  description = "Cognito user pool (create users with custom:tenant set; docs/runbooks/onboard-tenant.md)."
  value       = module.api.user_pool_id
}

output "user_pool_client_id" {
  description = "Cognito app client (the JWT audience)."
  value       = module.api.user_pool_client_id
}

output "state_machine_arn" {
  description = "The tick state machine."
  value       = module.tick.state_machine_arn
}

output "table_names" {
  description = "DynamoDB tables."
  value       = module.tables.table_names
}

output "ranker_repository_url" {
  description = "Push the ranker image here, then set ranker_image_tag."
  value       = module.ranker.repository_url
}

output "facts_bucket" {
  description = "The fact rows' bucket (warm store)."
  value       = module.facts.bucket_name
}

output "alarm_topic_arn" {
  description = "SNS topic of every alarm."
  value       = module.observability.alarm_topic_arn
}
