variable "region" {
  description = "AWS region of the deployment."
  type        = string
}

variable "stage" {
  description = "Stage name, used in resource names (e.g. \"prod\")."
  type        = string
  default     = "prod"
}

variable "packages_dir" {
  description = "Output of `./mvnw -pl functions-aws -am package`: the Lambda zips."
  type        = string
  default     = "../../../../functions-aws/target/lambda"
}

variable "facts_bucket_name" {
  description = "Globally unique S3 bucket name for the fact rows."
  type        = string
}

variable "ranker_image_tag" {
  description = "Tag of the ranker image in the ECR repository this deployment creates; null until one is pushed."
  type        = string
  default     = null
}

variable "ranker_provisioned_concurrency" {
  description = "Provisioned concurrency of the ranker's \"live\" alias."
  type        = number
  default     = 2
}

variable "bedrock_model_arns" {
  description = "Bedrock foundation-model / inference-profile ARNs the tick step may invoke."
  type        = list(string)
  default     = []
}

variable "otel_exporter_otlp_endpoint" {
  description = "OTLP/HTTP endpoint (the ADOT collector layer: http://localhost:4318); empty: no export."
  type        = string
  default     = ""
}

variable "extra_layer_arns" {
  description = "Further layers on every function (e.g. the ADOT collector layer for the region)."
  type        = list(string)
  default     = []
}

variable "cognito_domain_prefix" {
  description = "Cognito hosted-UI domain prefix; empty: none."
  type        = string
  default     = ""
}

variable "alarm_email" {
  description = "Where alarms are mailed; empty: nobody (subscribe to the topic yourself)."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = { application = "maestro" }
}
