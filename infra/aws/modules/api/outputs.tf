output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = aws_apigatewayv2_api.http.api_endpoint
}

output "api_id" {
  description = "The HTTP API's id."
  value       = aws_apigatewayv2_api.http.id
}

output "user_pool_id" {
  description = "The Cognito user pool."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_client_id" {
  description = "The app client (the JWT authorizer's audience)."
  value       = aws_cognito_user_pool_client.api.id
}

output "issuer" {
  description = "The JWT issuer the authorizer accepts."
  value       = aws_apigatewayv2_authorizer.jwt.jwt_configuration[0].issuer
}
