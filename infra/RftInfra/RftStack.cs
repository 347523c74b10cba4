// Compiled against Pulumi .NET SDK 3.112.0 (StackReference(string name).GetValueAsync(string), Deployment.Instance
// OrganizationName/ProjectName/StackName, CustomResourceOptions.DependsOn) and the Pulumi.AzureNative 3.28.0 shapes
// (Resources.ResourceGroup; CognitiveServices.Account with Inputs.AccountPropertiesArgs { CustomSubDomainName,
// DisableLocalAuth, PublicNetworkAccess, NetworkAcls, Restore, AllowProjectManagement }, Inputs.IdentityArgs,
// Inputs.SkuArgs; CognitiveServices.Project (FoundryProjects.cs); CognitiveServices.Deployment with
// Inputs.DeploymentPropertiesArgs/DeploymentModelArgs; Authorization.RoleAssignment; Authorization.GetClientConfig).
// API version: AzureNative 3.28.0's default CognitiveServices module, Azure REST API 2025-06-01, the first GA version
// with accounts/projects and allowProjectManagement (3.11.0's default Account was 2024-10-01, without them).
// AzureNative 3.x ships no versioned modules: a property that needs another API means a local package
// (`pulumi package add azure-native cognitiveservices <version>`) used explicitly, never the default drifting.
using System.Collections.Immutable;
using Pulumi;
using Pulumi.AzureNative.Authorization;
using Pulumi.AzureNative.CognitiveServices;
using Pulumi.AzureNative.CognitiveServices.Inputs;
using Pulumi.AzureNative.Resources;
using RftInfra.ProviderModel;
using RftInfra.Stacks;
using CognitiveDeployment = Pulumi.AzureNative.CognitiveServices.Deployment;
using CognitiveSkuArgs = Pulumi.AzureNative.CognitiveServices.Inputs.SkuArgs;
using PulumiDeployment = Pulumi.Deployment;

namespace RftInfra;

/// <summary>A model deployment as declared, and the deployment of the same account it depends on (null for the first).</summary>
public sealed record ChainedDeployment(string Region, PlannedDeployment Planned, CognitiveDeployment Deployment, Resource? DependsOn);

/// <summary>
/// The stack: a resource group, one account per region with its role assignments and chained model deployments,
/// and per job declaration the rft resources plus — once the job has succeeded — its fine-tuned model deployment.
/// </summary>
public static class RftStack
{
    public const string AccountSku = "S0";

    /// <param name="onDeployment">Sees every model deployment with the one it waits for (tests check the chain).</param>
    public static async Task<IDictionary<string, object?>> RunAsync(StackInputs inputs, Action<ChainedDeployment>? onDeployment = null)
    {
        var settings = inputs.Settings;
        var instance = PulumiDeployment.Instance;
        var stackQualifiedName = $"{instance.OrganizationName}/{instance.ProjectName}/{instance.StackName}";

        // Deploy-after-success: whether to deploy a job's fine-tuned model is decided from what the previous
        // `pulumi up` recorded in this stack's own "jobs" output (status and model of each job, written from the
        // FineTuningJob outputs, which `pulumi refresh` updates). The value is plain and known before any resource
        // is declared, so `pulumi preview` shows exactly the deployments `pulumi up` will make. Creating resources
        // inside Output.Apply would not: preview would hide them whenever the status is unknown.
        var self = new StackReference(stackQualifiedName);
        var previousJobs = JobRecords.FromStackOutput(PlainValues.ToJsonNode(await self.GetValueAsync(StackOutputKeys.Jobs)));
        var plan = StackPlanner.Plan(settings, inputs.Jobs, previousJobs);
        StackInputs.Report(plan.Deployments.Diagnostics);
        if (settings.Rehearsal is { } rehearsal)
        {
            return Rehearse(inputs, plan, rehearsal);
        }

        var subscriptionId = (await GetClientConfig.InvokeAsync()).SubscriptionId;
        var tags = new Dictionary<string, string>(settings.Tags);

        var group = new ResourceGroup("resource-group", new ResourceGroupArgs
        {
            ResourceGroupName = ResourceNames.ResourceGroup(settings.NamePrefix, settings.Environment),
            Location = settings.Regions[0],
            Tags = tags,
        });

        var accounts = new List<RegionAccount>();
        var providers = new Dictionary<string, RftProvider>();
        var roleAssignments = new Dictionary<string, List<Resource>>();
        var accountOutputs = new Dictionary<string, object?>();
        foreach (var region in settings.Regions)
        {
            var accountName = ResourceNames.Account(settings.NamePrefix, settings.Environment, region, stackQualifiedName);
            var regionEndpoint = settings.EndpointOf(region);
            var account = CreateAccount(region, accountName, regionEndpoint, settings, group, tags);
            accounts.Add(new RegionAccount { Region = region, Account = account });
            roleAssignments[region] = AssignRoles(region, account, settings, subscriptionId);

            // The data-plane endpoint follows from the custom subdomain (and the project name), so it is known even in
            // a first preview: the account's, or the Foundry project's (docs/foundry.md).
            var endpoint = regionEndpoint.DataPlaneEndpoint(accountName);
            var providerOptions = new CustomResourceOptions();
            providerOptions.DependsOn.Add(account);
            if (regionEndpoint.Kind == EndpointKind.FoundryProject)
            {
                providerOptions.DependsOn.Add(FoundryProjects.Declare(region, regionEndpoint, account, group, tags));
            }

            providers[region] = new RftProvider($"rft-{region}", new RftProviderArgs
            {
                Endpoint = endpoint,
                Credential = "entra",
            }, providerOptions);

            accountOutputs[region] = new Dictionary<string, object?>
            {
                ["name"] = accountName,
                ["endpoint"] = endpoint,
                ["id"] = account.Id,
                ["endpointKind"] = regionEndpoint.ConfigName,
                ["project"] = regionEndpoint.Project,
            };
        }

        var jobComponents = DeclareJobs(inputs, providers, roleAssignments);

        foreach (var regionAccount in accounts)
        {
            CreateDeploymentChain(regionAccount, plan.Deployments.ByRegion[regionAccount.Region], group, jobComponents, onDeployment);
        }

        var promotions = await Promotions.DeployAsync(accounts, group);

        return new Dictionary<string, object?>
        {
            ["resourceGroup"] = group.Name,
            [StackOutputKeys.Accounts] = accountOutputs,
            [StackOutputKeys.Jobs] = JobOutputs(plan, jobComponents),
            [StackOutputKeys.Promotions] = promotions,
        };
    }

    /// <summary>
    /// The rehearsal (docs/pulumi.md): the same rft resources, jobs output and deployment decisions, on providers
    /// pointed at `rft emulator` with its key; no resource group, account, role, deployment or promotion, and no
    /// Azure call (not even getClientConfig), so it runs without an Azure login.
    /// </summary>
    private static Dictionary<string, object?> Rehearse(StackInputs inputs, StackPlan plan, RehearsalSettings rehearsal)
    {
        var endpoint = rehearsal.Endpoint.ToString();
        var providers = new Dictionary<string, RftProvider>();
        var accountOutputs = new Dictionary<string, object?>();
        foreach (var region in inputs.Settings.Regions)
        {
            // A Foundry region rehearses the project path shape too: {emulator}/api/projects/{project}.
            var regionEndpoint = inputs.Settings.EndpointOf(region).OnEmulator(rehearsal.Endpoint);
            providers[region] = new RftProvider($"rft-{region}", new RftProviderArgs
            {
                Endpoint = regionEndpoint,
                Credential = ProviderSettings.ApiKeyMode,
                ApiKey = Output.CreateSecret(rehearsal.ApiKey),
            });
            accountOutputs[region] = new Dictionary<string, object?> { ["name"] = "rft-emulator", ["endpoint"] = regionEndpoint };
        }

        var jobComponents = DeclareJobs(inputs, providers, new Dictionary<string, List<Resource>>());
        return new Dictionary<string, object?>
        {
            [StackOutputKeys.Accounts] = accountOutputs,
            [StackOutputKeys.Jobs] = JobOutputs(plan, jobComponents),
            [StackOutputKeys.Promotions] = ImmutableDictionary<string, object>.Empty,
            [StackConfigParser.RehearsalKey] = endpoint,
        };
    }

    private static Dictionary<string, RftJob> DeclareJobs(
        StackInputs inputs, IReadOnlyDictionary<string, RftProvider> providers, IReadOnlyDictionary<string, List<Resource>> roleAssignments)
    {
        var jobComponents = new Dictionary<string, RftJob>();
        foreach (var job in inputs.Jobs)
        {
            jobComponents[job.Name] = new RftJob(
                job.Name, job, inputs.RepositoryRoot, providers[job.Region], roleAssignments.TryGetValue(job.Region, out var roles) ? roles : []);
        }

        return jobComponents;
    }

    private static Account CreateAccount(
        string region, string accountName, RegionEndpoint endpoint, StackSettings settings, ResourceGroup group, Dictionary<string, string> tags)
    {
        var foundry = endpoint.Kind == EndpointKind.FoundryProject;
        var properties = new AccountPropertiesArgs
        {
            CustomSubDomainName = accountName,
            // Entra ID only: no keys to leak; the kit's provider authenticates with Azure.Identity.
            DisableLocalAuth = true,
            PublicNetworkAccess = settings.Network.PublicNetworkAccessValue,
            NetworkAcls = new NetworkRuleSetArgs
            {
                DefaultAction = settings.Network.DefaultAction,
                IpRules = settings.Network.AllowedIps.Select(ip => new IpRuleArgs { Value = ip }).ToArray(),
            },
        };
        if (foundry)
        {
            // A Foundry resource: projects need kind AIServices with project management on.
            properties.AllowProjectManagement = true;
        }

        if (settings.RestoreSoftDeleted)
        {
            // A destroyed account stays soft-deleted for 48 h and its name and subdomain stay taken; restore brings
            // it back instead of failing with FlagMustBeSetForRestore (docs/pulumi.md: "Soft-deleted accounts").
            properties.Restore = true;
        }

        return new Account($"account-{region}", new AccountArgs
        {
            AccountName = accountName,
            ResourceGroupName = group.Name,
            Location = region,
            Kind = foundry ? StackConfigParser.DefaultAccountKind : settings.AccountKind,
            Sku = new CognitiveSkuArgs { Name = AccountSku },
            Identity = new IdentityArgs { Type = ResourceIdentityType.SystemAssigned },
            Properties = properties,
            Tags = tags,
        });
    }

    private static List<Resource> AssignRoles(string region, Account account, StackSettings settings, string subscriptionId)
    {
        var assignments = new List<Resource>();
        foreach (var principal in settings.Principals)
        {
            foreach (var role in AzureRoles.For(principal))
            {
                assignments.Add(new RoleAssignment($"role-{region}-{principal.ObjectId[..8]}-{AzureRoles.ShortName(role)}", new RoleAssignmentArgs
                {
                    PrincipalId = principal.ObjectId,
                    PrincipalType = principal.PrincipalType,
                    RoleDefinitionId = AzureRoles.DefinitionId(subscriptionId, role),
                    Scope = account.Id,
                }));
            }
        }

        return assignments;
    }

    /// <summary>
    /// Declares one account's deployments in plan order, each depending on the one before: Azure answers
    /// 409 RequestConflict when two deployments on one account are created or changed at the same time.
    /// </summary>
    private static void CreateDeploymentChain(
        RegionAccount regionAccount, IReadOnlyList<PlannedDeployment> chain, ResourceGroup group, IReadOnlyDictionary<string, RftJob> jobs,
        Action<ChainedDeployment>? onDeployment)
    {
        foreach (var (planned, _) in DeploymentChain.WithPrevious(chain))
        {
            var options = new CustomResourceOptions();
            if (regionAccount.LastDeployment is { } previous)
            {
                options.DependsOn.Add(previous);
            }

            if (planned.JobName is { } jobName && jobs.TryGetValue(jobName, out var job))
            {
                options.Parent = job;
            }

            var previousDeployment = regionAccount.LastDeployment;
            var deployment = new CognitiveDeployment($"deployment-{regionAccount.Region}-{planned.Name}", new DeploymentArgs
            {
                AccountName = regionAccount.Account.Name,
                ResourceGroupName = group.Name,
                DeploymentName = planned.Name,
                Properties = new DeploymentPropertiesArgs
                {
                    Model = new DeploymentModelArgs
                    {
                        Format = "OpenAI",
                        Name = planned.Model,
                        Version = planned.Version,
                    },
                },
                Sku = new CognitiveSkuArgs { Name = planned.Sku, Capacity = planned.Capacity },
            }, options);
            regionAccount.LastDeployment = deployment;
            onDeployment?.Invoke(new ChainedDeployment(regionAccount.Region, planned, deployment, previousDeployment));
        }
    }

    private static Dictionary<string, object?> JobOutputs(StackPlan plan, IReadOnlyDictionary<string, RftJob> jobs)
    {
        var outputs = new Dictionary<string, object?>();
        foreach (var planned in plan.Jobs)
        {
            var job = jobs[planned.Job.Name].Job;
            outputs[planned.Job.Name] = new Dictionary<string, object?>
            {
                [StackOutputKeys.JobId] = job.JobId,
                // Prod's promotions find the job's account through its region and the "accounts" output.
                ["region"] = planned.Job.Region,
                [StackOutputKeys.Status] = job.Status,
                [StackOutputKeys.FineTunedModel] = job.FineTunedModel,
                [StackOutputKeys.LatestMetrics] = job.LatestMetrics,
                [StackOutputKeys.DeploymentName] = planned.Deployment?.Name,
                [StackOutputKeys.DeployedModel] = planned.Decision.Model,
                [StackOutputKeys.DeployReason] = planned.Decision.Reason,
            };
        }

        return outputs;
    }
}
