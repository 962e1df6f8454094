# The HTTP API (payload format 2.0, $default stage) in front of the api function, with a Cognito
# user pool and a JWT authorizer. Routes are ApiRouter.routes() exactly (the OpenAPI document
# functions-core/src/main/resources/openapi/maestro-api.json lists the same); InfraConsistencyTest
# compares them. The tenant is the user's custom attribute "tenant" (token claim custom:tenant),
# writable by administrators only.

data "aws_region" "current" {}

locals {
  # "METHOD path" -> whether the route needs a verified token (ApiRouter.Route.authenticated).
  routes = {
    "POST /continuations"              = true
    "GET /continuations/{id}"          = true
    "DELETE /continuations/{id}"       = true
    "GET /continuations/{id}/events"   = true
    "POST /continuations/{id}/signals" = true
    "POST /continuations/{id}/fork"    = true
    "POST /continuations/merge"        = true
    "GET /continuations/{id}/lineage"  = true
    "POST /decide"                     = true
    "GET /fields/{id}"                 = true
    "GET /openapi.json"                = false
    "GET /health"                      = false
  }
}

resource "aws_cognito_user_pool" "this" {
  name                = "${var.name_prefix}users"
  deletion_protection = "ACTIVE"
  mfa_configuration   = "OPTIONAL"

  software_token_mfa_configuration {
    enabled = true
  }

  password_policy {
    minimum_length    = 12
    require_lowercase = true
    require_uppercase = true
    require_numbers   = true
    require_symbols   = false
  }

  # The tenant claim (custom:tenant). Only administrators set it (see the app client's
  # write_attributes): a user cannot move to another tenant.
  schema {
    name                     = "tenant"
    attribute_data_type      = "String"
    mutable                  = true
    developer_only_attribute = false
    required                 = false
    string_attribute_constraints {
      min_length = 1
      max_length = 64
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  tags = var.tags
}

resource "aws_cognito_user_pool_domain" "this" {
  count        = var.cognito_domain_prefix == "" ? 0 : 1
  domain       = var.cognito_domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

resource "aws_cognito_user_pool_client" "api" {
  name                                 = "${var.name_prefix}api"
  user_pool_id                         = aws_cognito_user_pool.this.id
  generate_secret                      = false
  explicit_auth_flows                  = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
  prevent_user_existence_errors        = "ENABLED"
  read_attributes                      = ["email", "custom:tenant"]
  write_attributes                     = ["email"]
  allowed_oauth_flows_user_pool_client = length(var.callback_urls) > 0
  allowed_oauth_flows                  = length(var.callback_urls) > 0 ? ["code"] : []
  allowed_oauth_scopes                 = length(var.callback_urls) > 0 ? ["openid", "email"] : []
  callback_urls                        = var.callback_urls
  supported_identity_providers         = ["COGNITO"]
  access_token_validity                = 60
  id_token_validity                    = 60
  refresh_token_validity               = 30
  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

resource "aws_apigatewayv2_api" "http" {
  name          = "${var.name_prefix}api"
  protocol_type = "HTTP"
  description   = "Maestro HTTP API (ApiRouter routes)."

  dynamic "cors_configuration" {
    for_each = length(var.cors_allowed_origins) > 0 ? [1] : []
    content {
      allow_origins = var.cors_allowed_origins
      allow_methods = ["GET", "POST", "DELETE"]
      allow_headers = ["authorization", "content-type", "idempotency-key"]
      max_age       = 3600
    }
  }

  tags = var.tags
}

# The ID token carries custom:tenant; its audience is the app client id.
resource "aws_apigatewayv2_authorizer" "jwt" {
  api_id           = aws_apigatewayv2_api.http.id
  authorizer_type  = "JWT"
  name             = "cognito"
  identity_sources = ["$request.header.Authorization"]
  jwt_configuration {
    issuer   = "https://cognito-idp.${data.aws_region.current.name}.amazonaws.com/${aws_cognito_user_pool.this.id}"
    audience = [aws_cognito_user_pool_client.api.id]
  }
}

resource "aws_apigatewayv2_integration" "api" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.api_function_alias_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = 29000
}

resource "aws_apigatewayv2_route" "this" {
  for_each           = local.routes
  api_id             = aws_apigatewayv2_api.http.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.api.id}"
  authorization_type = each.value ? "JWT" : "NONE"
  authorizer_id      = each.value ? aws_apigatewayv2_authorizer.jwt.id : null
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name_prefix}api"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

# $default: a named stage would prefix rawPath with its name (functions-aws README, "API").
resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId = "$context.requestId"
      routeKey  = "$context.routeKey"
      status    = "$context.status"
      latency   = "$context.responseLatency"
      sub       = "$context.authorizer.claims.sub"
      error     = "$context.authorizer.error"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "http-api"
  action        = "lambda:InvokeFunction"
  function_name = var.api_function_name
  qualifier     = element(split(":", var.api_function_alias_arn), length(split(":", var.api_function_alias_arn)) - 1)
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*/*"
}
