namespace RftInfra.Stacks;

/// <summary>
/// The validated configuration of one Pulumi stack (Pulumi.&lt;stack&gt;.yaml, namespace <c>rft-infra</c>).
/// Built by <see cref="StackConfigParser"/>; the Pulumi program only reads it.
/// </summary>
public sealed record StackSettings(
    string Environment,
    IReadOnlyList<string> Regions,
    string NamePrefix,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> JobPaths,
    IReadOnlyList<PrincipalGrant> Principals,
    IReadOnlyList<EvalDeployment> EvalDeployments,
    NetworkSettings Network,
    string AccountKind,
    bool RestoreSoftDeleted,
    bool DeployFineTunedModels)
{
    /// <summary>Set for a rehearsal stack: only the rft resources, on the local emulator; no Azure resource at all.</summary>
    public RehearsalSettings? Rehearsal { get; init; }

    /// <summary>Regions reached through a Foundry project or named explicitly (<c>rft-infra:endpoints</c>); see <see cref="RegionEndpoints.EndpointOf"/>.</summary>
    public IReadOnlyDictionary<string, RegionEndpoint> Endpoints { get; init; } = new Dictionary<string, RegionEndpoint>();
}

/// <summary>What a principal may do on every account of the stack (docs/service.md §1.2).</summary>
public enum PrincipalRole
{
    /// <summary>Upload files, create and watch jobs: Foundry User (formerly Azure AI User).</summary>
    Train,

    /// <summary>Deploy models: Foundry Owner (formerly Azure AI Owner) and Cognitive Services OpenAI Contributor.</summary>
    Deploy,
}

/// <summary>An Entra object that gets roles; <see cref="PrincipalType"/> uses the ARM names (User, Group, ServicePrincipal).</summary>
public sealed record PrincipalGrant(string ObjectId, string PrincipalType, IReadOnlyList<PrincipalRole> Roles);

/// <summary>
/// A base or grader model deployed for evaluation (e.g. the base model for a baseline run, or gpt-4.1-mini for a
/// score_model grader). <see cref="Region"/> null means every region of the stack.
/// </summary>
public sealed record EvalDeployment(string Name, string Model, string Version, string Sku, int Capacity, string? Region);

/// <summary>Public network access and the IPv4 addresses or CIDR ranges allowed when access is restricted.</summary>
public sealed record NetworkSettings(bool PublicNetworkAccess, IReadOnlyList<string> AllowedIps)
{
    public static readonly NetworkSettings Open = new(true, []);

    /// <summary>ARM value of <c>properties.publicNetworkAccess</c>.</summary>
    public string PublicNetworkAccessValue => PublicNetworkAccess ? "Enabled" : "Disabled";

    /// <summary>With allowed IPs the default action is Deny (only those IPs get in); without, Allow.</summary>
    public string DefaultAction => AllowedIps.Count > 0 ? "Deny" : "Allow";
}
