// Checked against the Pulumi .NET SDK provider API (pulumi/pulumi-dotnet sdk/Pulumi/Provider/Provider.cs): the
// Provider base class with virtual GetSchema, CheckConfig, DiffConfig, Configure, Check, Diff, Create, Read, Update,
// Delete; request/response names as renamed in v3.100 (DiffRequest.OldOutputs, CreateRequest.Inputs,
// CreateResponse.Outputs, ReadRequest/ReadResponse.Outputs, UpdateRequest.OldOutputs/NewInputs,
// UpdateResponse.Outputs, DeleteRequest.OldOutputs) plus OldInputs on Diff/Update/Delete (v3.85);
// DiffResponse { Changes, Replaces, Diffs, DetailedDiff, DeleteBeforeReplace }, PropertyDiff { Kind, InputDiff },
// CheckResponse { Inputs, Failures }, CheckFailure(property, reason), ConfigureResponse { AcceptSecrets, SupportsPreview }.
using System.Collections.Immutable;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;

namespace RftInfra.ResourceProvider;

/// <summary>
/// The rft provider: a dispatcher from type token to the Core lifecycle that owns the type. Every verb only converts
/// property values (<see cref="PropertyValues"/>) and calls <see cref="ResourceVerbs"/>, which holds the preview
/// rules (nothing writes during a preview; every output a preview cannot know is unknown) and is tested in Core.
/// </summary>
public sealed class RftResourceProvider : Provider
{
    public const string Version = "0.1.0";

    private readonly Func<ProviderSettings, IReadOnlyDictionary<string, IResourceLifecycle>> _createLifecycles;
    private ProviderSettings _settings = new(null, ProviderSettings.Entra, null);
    private ResourceVerbs? _verbs;

    public RftResourceProvider()
        : this(settings => ProviderSettings.Lifecycles(settings.CreateClient()))
    {
    }

    /// <summary>Tests pass their own lifecycles.</summary>
    internal RftResourceProvider(Func<ProviderSettings, IReadOnlyDictionary<string, IResourceLifecycle>> createLifecycles) =>
        _createLifecycles = createLifecycles;

    public override Task<GetSchemaResponse> GetSchema(GetSchemaRequest request, CancellationToken ct) =>
        Task.FromResult(new GetSchemaResponse { Schema = PackageSchema.Build(Version) });

    public override Task<CheckResponse> CheckConfig(CheckRequest request, CancellationToken ct)
    {
        var (_, failures) = ParseSettings(request.NewInputs);
        return Task.FromResult(new CheckResponse
        {
            Inputs = request.NewInputs,
            Failures = failures.Select(f => new CheckFailure(f.Key, f.Reason)).ToList(),
        });
    }

    public override Task<DiffResponse> DiffConfig(DiffRequest request, CancellationToken ct)
    {
        // Another endpoint is another account: everything this provider manages lives there, so it is replaced.
        var changed = new[] { "endpoint", "credential", "apiKey" }
            .Where(key => PropertyValues.OptionalString(request.OldInputs, key) != PropertyValues.OptionalString(request.NewInputs, key))
            .ToList();
        return Task.FromResult(new DiffResponse
        {
            Changes = changed.Count > 0,
            Diffs = changed,
            Replaces = changed.Contains("endpoint") ? ["endpoint"] : [],
        });
    }

    public override Task<ConfigureResponse> Configure(ConfigureRequest request, CancellationToken ct)
    {
        var (settings, failures) = ParseSettings(request.Args);
        if (settings is null)
        {
            throw new InvalidOperationException(
                "rft provider configuration: " + string.Join("; ", failures.Select(f => $"{f.Key}: {f.Reason}")));
        }

        _settings = settings;
        _verbs = null;
        return Task.FromResult(new ConfigureResponse { AcceptSecrets = true, SupportsPreview = true });
    }

    public override async Task<CheckResponse> Check(CheckRequest request, CancellationToken ct)
    {
        var (oldInputs, _) = PropertyValues.ToBag(request.OldInputs);
        var (newInputs, secretKeys) = PropertyValues.ToBag(request.NewInputs);
        var (inputs, failures) = await Verbs().CheckAsync(request.Type, oldInputs, newInputs, ct);
        return new CheckResponse
        {
            Inputs = PropertyValues.FromBag(inputs, secretKeys),
            Failures = failures.Select(f => new CheckFailure(f.Property, f.Reason)).ToList(),
        };
    }

    public override Task<DiffResponse> Diff(DiffRequest request, CancellationToken ct)
    {
        var (oldInputs, _) = PropertyValues.ToBag(request.OldInputs);
        var (oldOutputs, _) = PropertyValues.ToBag(request.OldOutputs);
        var (newInputs, _) = PropertyValues.ToBag(request.NewInputs);
        var diff = Verbs().Diff(request.Type, request.Id, oldInputs, oldOutputs, newInputs);
        return Task.FromResult(new DiffResponse
        {
            Changes = diff.Change != DiffChange.None,
            Replaces = diff.ReplaceKeys.ToList(),
            Diffs = PropertyBags.ChangedKeys(diff).ToList(),
            DetailedDiff = diff.DetailedDiff.ToDictionary(
                p => p.Key, p => new PropertyDiff { Kind = ToPulumi(p.Value), InputDiff = true }),
            DeleteBeforeReplace = diff.DeleteBeforeReplace,
        });
    }

    public override async Task<CreateResponse> Create(CreateRequest request, CancellationToken ct)
    {
        var (inputs, secretKeys) = PropertyValues.ToBag(request.Inputs);
        var secretOutputs = PropertyBags.SecretOutputs(Describe(request.Type), secretKeys);
        if (!request.Preview)
        {
            _settings.RequireEndpoint();
        }

        // In a preview, outputs not known yet come back as the unknown sentinel, which FromBag makes Computed.
        var result = await Verbs().CreateAsync(request.Type, inputs, request.Preview, ct);
        return new CreateResponse { Id = result.Id, Outputs = PropertyValues.FromBag(result.Outputs, secretOutputs) };
    }

    public override async Task<ReadResponse> Read(ReadRequest request, CancellationToken ct)
    {
        var type = Describe(request.Type);
        _settings.RequireEndpoint();

        // An import brings only the id: inputs and outputs are then unknown to the lifecycle.
        var (inputs, inputSecrets) = PropertyValues.ToBag(request.Inputs);
        var (outputs, outputSecrets) = PropertyValues.ToBag(request.Outputs);
        var result = await Verbs().ReadAsync(
            request.Type, request.Id, request.Inputs is { Count: > 0 } ? inputs : null, request.Outputs is { Count: > 0 } ? outputs : null, ct);
        if (result.Id is null)
        {
            return new ReadResponse { Id = null };
        }

        outputSecrets.UnionWith(inputSecrets);
        return new ReadResponse
        {
            Id = result.Id,
            Inputs = PropertyValues.FromBag(result.Inputs, inputSecrets),
            Outputs = PropertyValues.FromBag(result.Outputs, PropertyBags.SecretOutputs(type, outputSecrets)),
        };
    }

    public override async Task<UpdateResponse> Update(UpdateRequest request, CancellationToken ct)
    {
        var (oldOutputs, _) = PropertyValues.ToBag(request.OldOutputs);
        var (newInputs, secretKeys) = PropertyValues.ToBag(request.NewInputs);
        var secretOutputs = PropertyBags.SecretOutputs(Describe(request.Type), secretKeys);
        if (!request.Preview)
        {
            _settings.RequireEndpoint();
        }

        var result = await Verbs().UpdateAsync(request.Type, request.Id, oldOutputs, newInputs, request.Preview, ct);
        return new UpdateResponse { Outputs = PropertyValues.FromBag(result.Outputs, secretOutputs) };
    }

    public override async Task Delete(DeleteRequest request, CancellationToken ct)
    {
        _settings.RequireEndpoint();
        var (outputs, _) = PropertyValues.ToBag(request.OldOutputs);
        await Verbs().DeleteAsync(request.Type, request.Id, outputs, ct);
    }

    private ResourceVerbs Verbs() => _verbs ??= new ResourceVerbs(_createLifecycles(_settings));

    private static ResourceTypeDescription Describe(string typeToken) =>
        RftResourceTypes.Find(typeToken) ?? throw new InvalidOperationException($"The rft provider has no resource type '{typeToken}'.");

    private static (ProviderSettings? Settings, IReadOnlyList<(string Key, string Reason)> Failures) ParseSettings(
        IReadOnlyDictionary<string, PropertyValue>? args) =>
        ProviderSettings.Parse(
            PropertyValues.OptionalString(args, "endpoint"),
            PropertyValues.OptionalString(args, "credential"),
            PropertyValues.OptionalString(args, "apiKey"));

    private static PropertyDiffKind ToPulumi(PropertyChangeKind kind) => kind switch
    {
        PropertyChangeKind.Add => PropertyDiffKind.Add,
        PropertyChangeKind.AddReplace => PropertyDiffKind.AddReplace,
        PropertyChangeKind.Delete => PropertyDiffKind.Delete,
        PropertyChangeKind.DeleteReplace => PropertyDiffKind.DeleteReplace,
        PropertyChangeKind.Update => PropertyDiffKind.Update,
        PropertyChangeKind.UpdateReplace => PropertyDiffKind.UpdateReplace,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
