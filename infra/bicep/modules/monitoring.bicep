// Log Analytics workspace and a workspace-based Application Insights component, both with local (key) auth disabled:
// the function apps send telemetry with their managed identity (Monitoring Metrics Publisher, granted per tenant).

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

@description('The Application Insights component name.')
output applicationInsightsName string = appInsights.name

@description('The Log Analytics workspace resource id.')
output workspaceId string = workspace.id
