// The Functions app of functions-azure on Flex Consumption (Java 21), running as the user-assigned
// identity. Host storage, the Durable task hub, the Cosmos DB trigger and Service Bus use
// identity-based connections (<connection>__accountName / __fullyQualifiedNamespace /
// __accountEndpoint with __credential and __clientId). The two values the code still reads as
// secrets are Key Vault references (README, "Pending in the code").
// App Service authentication (Entra ID) validates tokens and passes the claims to the api
// function in X-MS-CLIENT-PRINCIPAL (EasyAuthIdentity).
param name string
param location string
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param cosmosEndpoint string
param cosmosDatabaseName string
param containerPrefix string
param cdcLeasesContainerName string
param cosmosKeyReference string
param storageConnectionReference string
param serviceBusNamespace string
param streamQueueName string
param streamTopicName string
param streamSubscriptionName string
param deadLetterQueueName string
param factsContainerName string
param appInsightsConnectionString string
param entraTenantId string
param apiAudience string
param tenantClaim string = 'maestro_tenant'
param taskHubName string = 'maestro'
param policyDir string = ''
@description('Tenants under an emergency compliance freeze (MAESTRO_FROZEN_TENANTS; docs/runbooks/freeze-tenant.md).')
param frozenTenants array = []
param otelExporterOtlpEndpoint string = ''
param foundryEndpoint string = ''
param maximumInstanceCount int = 100
param instanceMemoryMB int = 2048
param tags object = {}

// Each @FunctionName of functions-azure and the trigger it binds (InfraConsistencyTest compares
// this with the annotations, and each trigger with the resources and settings it needs).
var functionTriggers = {
  api: 'httpTrigger'
  continuation: 'orchestrationTrigger'
  tick: 'activityTrigger'
  streamEventGrid: 'eventGridTrigger'
  streamServiceBusQueue: 'serviceBusTrigger'
  streamServiceBusTopic: 'serviceBusTrigger'
  cdc: 'cosmosDBTrigger'
}

var appSettings = {
  // Host storage and the Durable task hub's storage, by managed identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // host.json: durableTask.hubName = %MAESTRO_TASK_HUB%.
  MAESTRO_TASK_HUB: taskHubName
  // AzureRuntime: the substrate's account, database and container prefix.
  MAESTRO_COSMOS_ENDPOINT: cosmosEndpoint
  MAESTRO_COSMOS_KEY: cosmosKeyReference
  MAESTRO_COSMOS_DATABASE: cosmosDatabaseName
  MAESTRO_CONTAINER_PREFIX: containerPrefix
  MAESTRO_TENANT_CLAIM: tenantClaim
  MAESTRO_POLICY_DIR: policyDir
  MAESTRO_FROZEN_TENANTS: join(frozenTenants, ',')
  // CdcFunction's Cosmos DB trigger (connection MAESTRO_COSMOS_CONNECTION).
  MAESTRO_COSMOS_CONNECTION__accountEndpoint: cosmosEndpoint
  MAESTRO_COSMOS_CONNECTION__credential: 'managedidentity'
  MAESTRO_COSMOS_CONNECTION__clientId: identityClientId
  MAESTRO_CONTINUATIONS_CONTAINER: '${containerPrefix}continuations'
  MAESTRO_CDC_LEASES_CONTAINER: cdcLeasesContainerName
  // ServiceBusWakeFunction (connection MAESTRO_SERVICEBUS).
  MAESTRO_SERVICEBUS__fullyQualifiedNamespace: serviceBusNamespace
  MAESTRO_SERVICEBUS__credential: 'managedidentity'
  MAESTRO_SERVICEBUS__clientId: identityClientId
  MAESTRO_STREAM_QUEUE: streamQueueName
  MAESTRO_STREAM_TOPIC: streamTopicName
  MAESTRO_STREAM_SUBSCRIPTION: streamSubscriptionName
  // StreamResources: dead letters and fact blobs.
  MAESTRO_STORAGE_CONNECTION: storageConnectionReference
  MAESTRO_DEAD_LETTER_QUEUE: deadLetterQueueName
  MAESTRO_FACTS_CONTAINER: factsContainerName
  // The managed identity's client id (FoundrySettings, azure-identity).
  AZURE_CLIENT_ID: identityClientId
  MAESTRO_FOUNDRY_ENDPOINT: foundryEndpoint
  OTEL_EXPORTER_OTLP_ENDPOINT: otelExporterOtlpEndpoint
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'java'
        version: '21'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// App Service authentication: Entra ID tokens for the API's audience; the unauthenticated
// routes of ApiRouter (/health, /openapi.json) are excluded.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/health'
        '/openapi.json'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${entraTenantId}/v2.0'
          clientId: apiAudience
        }
        validation: {
          allowedAudiences: [
            apiAudience
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output functionTriggers object = functionTriggers
