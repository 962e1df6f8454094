variable "name_prefix" {
  description = "Prefix of every resource name, e.g. \"prod-maestro-\"."
  type        = string
}

variable "image_tag" {
  description = "Tag of the ranker image (ranker-container/Dockerfile) pushed to the repository this module creates; null: create the repository only (the function needs an image to exist)."
  type        = string
  default     = null
}

variable "memory" {
  description = "Memory of the ranker function (ONNX Runtime, the cross-encoder)."
  type        = number
  default     = 3008
}

variable "timeout" {
  description = "Timeout of the ranker function in seconds."
  type        = number
  default     = 30
}

variable "provisioned_concurrency" {
  description = "Provisioned concurrency on the \"live\" alias (warm model, no cold start on the rerank path)."
  type        = number
  default     = 2
}

variable "max_candidates" {
  description = "MAESTRO_RERANKER_MAX_CANDIDATES: most candidates per request."
  type        = number
  default     = 1000
}

variable "invoker_role_arns" {
  description = "Roles allowed to invoke the ranker through its function URL (AWS_IAM auth)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of the ranker's log group."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = {}
}
