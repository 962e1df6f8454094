/**
 * Small clients for the AWS services the adapter calls besides DynamoDB: EventBridge Scheduler
 * (one-time wake schedules), Step Functions (starting a tick execution) and Firehose (CDC records).
 * The SDK's generated clients for these services are not a dependency of this module; these clients
 * speak the services' documented JSON protocols (restJson for Scheduler, awsJson 1.0 for Step
 * Functions, awsJson 1.1 for Firehose) over the SDK's own SigV4 signer, credentials providers and
 * URL-connection HTTP client.
 *
 * <p>{@link dev.maestro.aws.client.AwsJsonClient} makes one signed call with bounded, jittered
 * retries; service errors surface as {@link dev.maestro.aws.client.AwsCallException}.
 */
package dev.maestro.aws.client;
