// Event Hubs namespace for spend events: Entra ID only (local SAS auth disabled), TLS 1.2, one hub per tenant
// (so a tenant's identity can send and receive only its own spend) and the consumer group its spend-ingest function reads.

@description('Namespace name (6-50 characters).')
@minLength(6)
@maxLength(50)
param namespaceName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('The event hubs to create, one per tenant.')
@minLength(1)
param hubNames string[]

@description('The consumer group the spend-ingest function reads with.')
param consumerGroupName string

@description('Standard or Premium (Basic has no consumer groups besides $Default).')
@allowed([
  'Standard'
  'Premium'
])
param skuName string = 'Standard'

@description('Partitions per hub (the spend-ingest function scales out to at most this many instances per hub).')
@minValue(1)
@maxValue(32)
param partitionCount int = 2

@description('Hours an event is kept if spend-ingest falls behind.')
@minValue(1)
@maxValue(168)
param retentionHours int = 24

resource namespace 'Microsoft.EventHub/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    isAutoInflateEnabled: false
  }
}

resource hubs 'Microsoft.EventHub/namespaces/eventhubs@2026-01-01' = [
  for hub in hubNames: {
    parent: namespace
    name: hub
    properties: {
      partitionCount: partitionCount
      retentionDescription: {
        cleanupPolicy: 'Delete'
        retentionTimeInHours: retentionHours
      }
    }
  }
]

resource consumerGroups 'Microsoft.EventHub/namespaces/eventhubs/consumergroups@2026-01-01' = [
  for (hub, i) in hubNames: {
    parent: hubs[i]
    name: consumerGroupName
    properties: {
      userMetadata: 'Read by the gateway spend-ingest function.'
    }
  }
]

@description('The namespace name.')
output namespaceName string = namespace.name

@description('The consumer group names, one per hub.')
output consumerGroups string[] = [for (hub, i) in hubNames: consumerGroups[i].name]
