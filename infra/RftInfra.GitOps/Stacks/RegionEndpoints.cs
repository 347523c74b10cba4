namespace RftInfra.Stacks;

/// <summary>How a region of the stack is reached (docs/foundry.md): the classic account, or a Foundry resource with a project.</summary>
public enum EndpointKind
{
    /// <summary>An Azure OpenAI / AI Services account; the rft resources talk to <c>https://{account}.openai.azure.com/</c>.</summary>
    AzureOpenAI,

    /// <summary>
    /// A Foundry resource (kind AIServices, project management on) with one project; the rft resources talk to
    /// <c>https://{resource}.services.ai.azure.com/api/projects/{project}</c>. Open-weight models train only this way.
    /// </summary>
    FoundryProject,
}

/// <summary>The endpoint of one region; <see cref="Project"/> is set for <see cref="EndpointKind.FoundryProject"/> only.</summary>
public sealed record RegionEndpoint(EndpointKind Kind, string? Project)
{
    public static readonly RegionEndpoint Account = new(EndpointKind.AzureOpenAI, null);

    /// <summary>The name the stack files use (<c>rft-infra:endpoints</c>).</summary>
    public string ConfigName => Kind == EndpointKind.FoundryProject ? RegionEndpoints.FoundryProjectName : RegionEndpoints.AzureOpenAIName;

    /// <summary>The data-plane endpoint of the region's resource named <paramref name="resourceName"/> (its custom subdomain).</summary>
    public string DataPlaneEndpoint(string resourceName) => Kind == EndpointKind.FoundryProject
        ? $"https://{resourceName}.services.ai.azure.com/api/projects/{Project}"
        : $"https://{resourceName}.openai.azure.com/";

    /// <summary>The same path shape on the local emulator (a rehearsal): the project path below its root.</summary>
    public string OnEmulator(Uri emulator) => Kind == EndpointKind.FoundryProject
        ? new Uri(emulator, $"api/projects/{Project}").ToString()
        : emulator.ToString();
}

/// <summary>Which endpoint each region uses; regions not named use the classic account (as before this setting existed).</summary>
public static class RegionEndpoints
{
    public const string AzureOpenAIName = "azureOpenAI";
    public const string FoundryProjectName = "foundryProject";

    /// <summary>The project a Foundry region gets when the stack names none: prefix-environment, e.g. rft-dev.</summary>
    public static string DefaultProject(string prefix, string environment) => $"{prefix}-{environment}";

    public static RegionEndpoint EndpointOf(this StackSettings settings, string region) =>
        settings.Endpoints.TryGetValue(region, out var endpoint) ? endpoint : RegionEndpoint.Account;
}
