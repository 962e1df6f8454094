// Cosmos DB for the substrate (ADR-0010): one database, every container partitioned on /pk
// (CosmosSchema.PARTITION_KEY_PATH), names CosmosContainers.prefix() + suffix, plus the
// subscriptions container of the stream functions (StreamContainers) and the CDC trigger's lease
// container. Strong consistency (ADR-0010), continuous backup (docs/runbooks/restore.md).
// InfraConsistencyTest compares `containers` with CosmosContainers.all() and StreamContainers.
param accountName string
param location string
param databaseName string = 'maestro'
param containerPrefix string = ''
param cdcLeasesContainerName string = 'maestro-cdc-leases'
param principalId string
param tags object = {}

var containers = [
  {
    name: '${containerPrefix}continuations'
    partitionKey: '/pk'
    ttl: false
  }
  {
    name: '${containerPrefix}events'
    partitionKey: '/pk'
    ttl: false
  }
  {
    name: '${containerPrefix}idempotency'
    partitionKey: '/pk'
    ttl: false
  }
  {
    name: '${containerPrefix}timers'
    partitionKey: '/pk'
    ttl: false
  }
  {
    // Per-item TTL on, no default: the budget ledger's reservation markers expire themselves.
    name: '${containerPrefix}budget'
    partitionKey: '/pk'
    ttl: true
  }
  {
    name: '${containerPrefix}subscriptions'
    partitionKey: '/pk'
    ttl: false
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Strong'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous30Days'
      }
    }
    // AzureRuntime still authenticates with the account key (MAESTRO_COSMOS_KEY, from Key
    // Vault): local auth stays on until it takes a credential (README, "Pending in the code").
    disableLocalAuth: false
    minimalTlsVersion: 'Tls12'
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource substrate 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for c in containers: {
  parent: database
  name: c.name
  properties: {
    resource: {
      id: c.name
      partitionKey: {
        paths: [
          c.partitionKey
        ]
        kind: 'Hash'
      }
      defaultTtl: c.ttl ? -1 : null
    }
  }
}]

// The change-feed trigger's leases (CdcFunction leaseContainerName), partitioned on /id as the
// Functions extension requires.
resource cdcLeases 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: cdcLeasesContainerName
  properties: {
    resource: {
      id: cdcLeasesContainerName
      partitionKey: {
        paths: [
          '/id'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Cosmos DB Built-in Data Contributor on the account, for the managed identity.
resource dataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, principalId, '00000000-0000-0000-0000-000000000002')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
output databaseName string = database.name
output cdcLeasesContainerName string = cdcLeases.name
output continuationsContainerName string = '${containerPrefix}continuations'
