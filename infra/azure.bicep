// Azure resources for the dual-write setup bot: a Linux App Service (Node 20) running `npm start`'s
// built output on two instances, an Azure Database for PostgreSQL flexible server as the store (the
// App Service's managed identity signs in with a Microsoft Entra token: no database password exists),
// and the Azure Bot registration with the Microsoft Teams channel and the OAuth connection Teams SSO
// tokens are exchanged through. The bot's Entra app
// registration (BOT_ID) is created by m365agents.yml (aadApp/create) before this template runs.
@maxLength(20)
@minLength(4)
@description('Used to name every resource (e.g. dwsetup-dev).')
param resourceBaseName string

@description('App Service plan SKU (B1 allows up to 3 instances).')
param webAppSku string = 'B1'

@minValue(1)
@maxValue(10)
@description('Bot instances. Each drives the runs whose lease it holds; any of them answers Teams.')
param instanceCount int = 2

@description('PostgreSQL flexible server compute (Burstable B1ms is enough for the bot).')
param postgresSkuName string = 'Standard_B1ms'
param postgresSkuTier string = 'Burstable'
param postgresVersion string = '16'

@description('Entra app (client) id of the bot registration: BOT_ID.')
param botAadAppClientId string

@secure()
@description('Client secret of the bot registration: BOT_PASSWORD.')
param botAadAppClientSecret string

@description('Tenant of the single-tenant bot registration.')
param botTenantId string = subscription().tenantId

@maxLength(42)
param botDisplayName string = 'Dual-write Setup'

// --- Who may do what (Entra object ids, comma-separated) ---
param adminObjectIds string = ''
param approverObjectIds string = ''

// --- Real Dynamics 365: the app registration the bot uses to call Dataverse, F&O and Power Platform ---
param dynamicsTenantId string = subscription().tenantId
param dynamicsClientId string
@secure()
param dynamicsClientSecret string
param lcsApiUrl string = ''
param lcsProjectId string = ''
@description('The dual-write gateway is an internal API; off means linking and maps are manual steps.')
param dualWriteGatewayEnabled bool = false
param dualWriteGatewayUrl string = ''

@description('The Azure Bot OAuth connection of Teams SSO: SSO_CONNECTION_NAME.')
param ssoConnectionName string = 'DynamicsSso'

param location string = resourceGroup().location

var serverfarmsName = resourceBaseName
var webAppName = resourceBaseName
var postgresName = '${resourceBaseName}-pg'
var databaseName = 'dwbot'
var workspaceName = '${resourceBaseName}-logs'
var appInsightsName = '${resourceBaseName}-ai'

// Telemetry (docs/operations.md): a workspace-based Application Insights; the bot sends its traces
// and metrics there through the Azure Monitor OpenTelemetry distro when its connection string is set.
// https://learn.microsoft.com/azure/azure-monitor/app/create-workspace-resource
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: workspaceName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  // Its Entra identity is the database login (see postgresAdmin below).
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      // The load balancer sends no traffic to an instance whose store or Dynamics hosts fail.
      healthCheckPath: '/readyz'
      appSettings: [
        // App Service sets PORT; with BOT_ID the bot listens on 0.0.0.0 and checks every token.
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: botTenantId }
        { name: 'BOT_NAME', value: botDisplayName }
        { name: 'PLAYGROUND', value: 'false' }
        { name: 'SSO_CONNECTION_NAME', value: ssoConnectionName }
        // The store every instance shares. No password: the managed identity's Entra token is one.
        {
          name: 'DATABASE_URL'
          value: 'postgres://${webAppName}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=require'
        }
        { name: 'DATABASE_AUTH', value: 'managed-identity' }
        // A dead or frozen instance's runs are taken over within LEASE_TTL + heartbeat (about 20 s).
        { name: 'LEASE_TTL_SECONDS', value: '15' }
        { name: 'LEASE_HEARTBEAT_SECONDS', value: '5' }
        // Local scratch only (the emulator is off in live mode); the store is PostgreSQL.
        { name: 'DATA_DIR', value: '/tmp/data' }
        { name: 'ADMINS', value: adminObjectIds }
        { name: 'APPROVERS', value: approverObjectIds }
        { name: 'FOUR_EYES', value: 'true' }
        { name: 'DYNAMICS_MODE', value: 'live' }
        { name: 'AZURE_AUTH', value: 'client-secret' }
        { name: 'AZURE_TENANT_ID', value: dynamicsTenantId }
        { name: 'AZURE_CLIENT_ID', value: dynamicsClientId }
        { name: 'AZURE_CLIENT_SECRET', value: dynamicsClientSecret }
        { name: 'LCS_API_URL', value: lcsApiUrl }
        { name: 'LCS_PROJECT_ID', value: lcsProjectId }
        { name: 'DUALWRITE_GATEWAY_ENABLED', value: string(dualWriteGatewayEnabled) }
        { name: 'DUALWRITE_GATEWAY_URL', value: dualWriteGatewayUrl }
        // Traces and metrics to Application Insights (docs/operations.md).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'WEBSITE_NODE_DEFAULT_VERSION', value: '~20' }
      ]
    }
  }
}

// The store: Entra authentication only, TLS required, reachable from Azure services (App Service
// outbound addresses). Put it in a virtual network with private access for stricter setups.
resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: postgresName
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: postgresVersion
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
  }
}

resource postgresDatabase 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 - 0.0.0.0 is the documented rule for "allow public access from any Azure service".
resource postgresAllowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: postgres
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The App Service's managed identity becomes the server's Entra administrator: it can create the
// bot's tables (migrations run at start) with no password and no manual SQL.
module postgresAdmin 'modules/postgresAdmin.bicep' = {
  name: '${resourceBaseName}-pg-admin'
  dependsOn: [
    postgresDatabase
    postgresAllowAzure
  ]
  params: {
    serverName: postgres.name
    principalId: webApp.identity.principalId
    principalName: webAppName
  }
}

// The Azure Bot registration: Teams sends activities to the App Service's /api/messages.
resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: 'global'
  name: resourceBaseName
  sku: {
    name: 'F0'
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: 'global'
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// Teams SSO (Learn https://learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-register-aad):
// an AAD v2 connection of the bot registration whose token exchange URL is the application ID URI Teams
// issues SSO tokens for (api://botid-{BOT_ID}). The token service trades that token for one to the
// Dynamics registration's access_as_user, the assertion of the bot's on-behalf-of grants
// (docs/deploy.md "Teams single sign-on"). 30dd229c-...: the service provider id of
// "Azure Active Directory v2" (az bot authsetting list-providers).
resource ssoConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: botService
  location: 'global'
  name: ssoConnectionName
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: botAadAppClientId
    clientSecret: botAadAppClientSecret
    scopes: 'api://${dynamicsClientId}/access_as_user'
    parameters: [
      { key: 'tenantID', value: botTenantId }
      { key: 'tokenExchangeUrl', value: 'api://botid-${botAadAppClientId}' }
    ]
  }
}

// Read by m365agents.yml (arm/deploy writes outputs to the environment file, upper-cased).
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output POSTGRES_HOST string = postgres.properties.fullyQualifiedDomainName
output APPLICATIONINSIGHTS_NAME string = appInsights.name
