# The stage-2 reranker (ranker-container) as a container-image Lambda with provisioned
# concurrency on its "live" alias. Container images do not support SnapStart; provisioned
# concurrency is what keeps the model loaded. The image's handler (Dockerfile CMD) is
# dev.maestro.ranker.RerankFunction::handleRequest, repeated in image_config below.

resource "aws_ecr_repository" "ranker" {
  name                 = "${var.name_prefix}ranker"
  image_tag_mutability = "IMMUTABLE"
  image_scanning_configuration {
    scan_on_push = true
  }
  tags = var.tags
}

resource "aws_ecr_lifecycle_policy" "ranker" {
  repository = aws_ecr_repository.ranker.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the last 20 images"
      selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 20 }
      action       = { type = "expire" }
    }]
  })
}

resource "aws_cloudwatch_log_group" "ranker" {
  name              = "/aws/lambda/${var.name_prefix}ranker"
  retention_in_days = var.log_retention_days
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

resource "aws_iam_role" "ranker" {
  name               = "${var.name_prefix}ranker"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
  tags               = var.tags
}

# The ranker reads no table and calls no service: logs only.
data "aws_iam_policy_document" "ranker" {
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.ranker.arn}:*"]
  }
}

resource "aws_iam_role_policy" "ranker" {
  name   = "maestro"
  role   = aws_iam_role.ranker.id
  policy = data.aws_iam_policy_document.ranker.json
}

resource "aws_lambda_function" "ranker" {
  count         = var.image_tag == null ? 0 : 1
  function_name = "${var.name_prefix}ranker"
  description   = "Maestro reranker (ranker-container, ONNX cross-encoder)"
  role          = aws_iam_role.ranker.arn
  package_type  = "Image"
  image_uri     = "${aws_ecr_repository.ranker.repository_url}:${var.image_tag}"
  architectures = ["x86_64"]
  memory_size   = var.memory
  timeout       = var.timeout
  publish       = true

  image_config {
    command = ["dev.maestro.ranker.RerankFunction::handleRequest"]
  }

  # The image sets MAESTRO_RERANKER_DIR (the model inside the image) and the tmpdir.
  environment {
    variables = {
      MAESTRO_RERANKER_MAX_CANDIDATES = tostring(var.max_candidates)
    }
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.ranker.name
  }

  tags       = var.tags
  depends_on = [aws_iam_role_policy.ranker]
}

resource "aws_lambda_alias" "live" {
  count            = var.image_tag == null ? 0 : 1
  name             = "live"
  function_name    = aws_lambda_function.ranker[0].function_name
  function_version = aws_lambda_function.ranker[0].version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  count                             = var.image_tag == null || var.provisioned_concurrency == 0 ? 0 : 1
  function_name                     = aws_lambda_function.ranker[0].function_name
  qualifier                         = aws_lambda_alias.live[0].name
  provisioned_concurrent_executions = var.provisioned_concurrency
}

# POST /rerank with SigV4 (payload format 2.0, as the handler expects).
resource "aws_lambda_function_url" "live" {
  count              = var.image_tag == null ? 0 : 1
  function_name      = aws_lambda_function.ranker[0].function_name
  qualifier          = aws_lambda_alias.live[0].name
  authorization_type = "AWS_IAM"
}

resource "aws_lambda_permission" "invokers" {
  for_each               = var.image_tag == null ? toset([]) : toset(var.invoker_role_arns)
  statement_id           = "url-${substr(sha1(each.value), 0, 12)}"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.ranker[0].function_name
  qualifier              = aws_lambda_alias.live[0].name
  principal              = each.value
  function_url_auth_type = "AWS_IAM"
}
