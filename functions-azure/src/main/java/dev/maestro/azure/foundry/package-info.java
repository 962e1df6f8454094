/**
 * The Azure AI Foundry model provider: chat completions on a Foundry or Azure OpenAI resource
 * ({@link dev.maestro.azure.foundry.FoundryChatProvider}, provider name {@code foundry} in tier
 * routing), authenticated with Microsoft Entra ID tokens from the Function App's managed identity
 * ({@link dev.maestro.azure.foundry.EntraTokenSource}), configured from app settings ({@link
 * dev.maestro.azure.foundry.FoundrySettings}).
 */
package dev.maestro.azure.foundry;
