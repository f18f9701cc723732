// Azure resources for the dual-write setup bot: a Linux App Service (Node 20) running `npm start`'s
// built output, and the Azure Bot registration with the Microsoft Teams channel. The bot's Entra app
// registration (BOT_ID) is created by m365agents.yml (aadApp/create) before this template runs.
@maxLength(20)
@minLength(4)
@description('Used to name every resource (e.g. dwsetup-dev).')
param resourceBaseName string

@description('App Service plan SKU. B1 is enough for one team; keep ONE instance (SQLite store).')
param webAppSku string = 'B1'

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

param location string = resourceGroup().location

var serverfarmsName = resourceBaseName
var webAppName = resourceBaseName

resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  sku: {
    name: webAppSku
    capacity: 1
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/src/index.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      appSettings: [
        // App Service sets PORT; with BOT_ID the bot listens on 0.0.0.0 and checks every token.
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: botTenantId }
        { name: 'BOT_NAME', value: botDisplayName }
        { name: 'PLAYGROUND', value: 'false' }
        // /home survives restarts and deployments. SQLite needs a single instance: see docs/deploy.md.
        { name: 'DATA_DIR', value: '/home/data' }
        { name: 'WEBSITES_ENABLE_APP_SERVICE_STORAGE', value: 'true' }
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
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
        { name: 'WEBSITE_NODE_DEFAULT_VERSION', value: '~20' }
      ]
    }
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

// Read by m365agents.yml (arm/deploy writes outputs to the environment file, upper-cased).
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
