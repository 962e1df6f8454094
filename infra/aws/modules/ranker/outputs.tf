output "repository_url" {
  description = "ECR repository to push the ranker image (ranker-container/Dockerfile) to."
  value       = aws_ecr_repository.ranker.repository_url
}

output "function_name" {
  description = "The ranker function, when an image tag was given."
  value       = try(aws_lambda_function.ranker[0].function_name, null)
}

output "function_url" {
  description = "The ranker's function URL (AWS_IAM), when deployed."
  value       = try(aws_lambda_function_url.live[0].function_url, null)
}
