/**
 * Amazon Bedrock as a model provider: {@link dev.maestro.aws.bedrock.BedrockConverseProvider}
 * speaks the Bedrock Runtime Converse API (restJson, SigV4 signing name {@code bedrock}) through
 * the adapter's signed JSON client ({@code dev.maestro.aws.client}, ADR-0008), with tools in the
 * core's {@link dev.maestro.core.dispatch.BedrockTools} shapes. It is one {@link
 * dev.maestro.core.dispatch.ModelProvider} among others: failover and circuit breaking are the
 * core's {@link dev.maestro.core.dispatch.FailoverDispatch}.
 */
package dev.maestro.aws.bedrock;
