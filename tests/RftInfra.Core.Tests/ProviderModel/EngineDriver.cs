using System.Text.Json.Nodes;
using RftInfra.Lifecycles;
using RftInfra.ProviderModel;

namespace RftInfra.Core.Tests.ProviderModel;

/// <summary>An input that is another resource's output (what the program passes as <c>Output&lt;T&gt;</c>).</summary>
internal sealed record OutputRef(string Resource, string Output);

/// <summary>One resource the rehearsed program declares: inputs are JSON literals or <see cref="OutputRef"/>s.</summary>
internal sealed record Declared(string Name, string Type, IReadOnlyDictionary<string, object?> Inputs, IReadOnlyList<string>? DependsOn = null);

internal sealed record ResourceState(string Name, string Type, string Id, JsonObject Inputs, JsonObject Outputs);

/// <summary>A Check failure, as the engine reports it: the step stops.</summary>
internal sealed class CheckFailedException(string resource, IReadOnlyList<(string Property, string Reason)> failures)
    : Exception($"{resource}: " + string.Join("; ", failures.Select(f => $"[{f.Property}] {f.Reason}")))
{
    public string Resource { get; } = resource;

    public IReadOnlyList<(string Property, string Reason)> Failures { get; } = failures;
}

/// <summary>
/// A small stand-in for the Pulumi engine and SDK in front of <see cref="ResourceVerbs"/> (what the rft provider runs
/// after converting property values), encoding the documented rules the provider depends on:
/// <list type="bullet">
/// <item>resources are stepped in declaration order; each step runs Check, then Diff (or Create when there is no state);</item>
/// <item>a preview makes the same calls with the preview flag, writes no state, and an unknown output reaches a
/// dependent's inputs as unknown (<see cref="PropertyBags.UnknownSentinel"/>);</item>
/// <item>an output that is a known null (or absent) is dropped from the dependent's inputs, as the SDK drops null inputs;</item>
/// <item>a replace creates the new resource first and deletes the old one after every step, unless the diff asks for
/// delete-before-replace; resources no longer declared are deleted last, in reverse order;</item>
/// <item>`pulumi up` runs its own preview first and stops if that fails.</item>
/// </list>
/// </summary>
internal sealed class EngineDriver(ResourceVerbs verbs, Func<string, Func<Task<CreateResult>>, Task<CreateResult>>? aroundCreate = null)
{
    private readonly List<ResourceState> _state = [];

    /// <summary>Every verb called, as "verb name" or "verb name (preview)", in order.</summary>
    public List<string> Calls { get; } = [];

    public IReadOnlyList<ResourceState> State => _state;

    public ResourceState this[string name] => _state.Single(r => r.Name == name);

    /// <summary>`pulumi preview`: returns each declared resource's planned outputs.</summary>
    public Task<IReadOnlyDictionary<string, JsonObject>> PreviewAsync(IReadOnlyList<Declared> program) => RunAsync(program, preview: true);

    /// <summary>`pulumi up`: its own preview, then the update.</summary>
    public async Task UpAsync(IReadOnlyList<Declared> program)
    {
        await RunAsync(program, preview: true);
        await RunAsync(program, preview: false);
    }

    /// <summary>`pulumi refresh`: Read every resource; one that is gone leaves the state.</summary>
    public async Task RefreshAsync()
    {
        foreach (var resource in _state.ToList())
        {
            Calls.Add($"read {resource.Name}");
            var read = await verbs.ReadAsync(resource.Type, resource.Id, resource.Inputs, resource.Outputs);
            var index = _state.IndexOf(resource);
            if (read.Id is null)
            {
                _state.RemoveAt(index);
            }
            else
            {
                _state[index] = resource with { Id = read.Id, Inputs = read.Inputs, Outputs = Known(resource.Name, read.Outputs) };
            }
        }
    }

    /// <summary>`pulumi destroy`: Delete in reverse order of creation.</summary>
    public async Task DestroyAsync()
    {
        for (var i = _state.Count - 1; i >= 0; i--)
        {
            await DeleteAsync(_state[i]);
            _state.RemoveAt(i);
        }
    }

    private async Task<IReadOnlyDictionary<string, JsonObject>> RunAsync(IReadOnlyList<Declared> program, bool preview)
    {
        var suffix = preview ? " (preview)" : "";
        var outputs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var next = new List<ResourceState>();
        var condemned = new List<ResourceState>();
        foreach (var declared in program)
        {
            var inputs = Resolve(declared, outputs);
            var old = _state.FirstOrDefault(r => r.Name == declared.Name);
            Calls.Add($"check {declared.Name}{suffix}");
            var (checkedInputs, failures) = await verbs.CheckAsync(declared.Type, old?.Inputs ?? [], inputs);
            if (failures.Count > 0)
            {
                throw new CheckFailedException(declared.Name, failures);
            }

            ResourceState result;
            if (old is null)
            {
                result = await CreateAsync(declared, checkedInputs, preview);
            }
            else
            {
                Calls.Add($"diff {declared.Name}{suffix}");
                var diff = verbs.Diff(declared.Type, old.Id, old.Inputs, old.Outputs, checkedInputs);
                switch (diff.Change)
                {
                    case DiffChange.None:
                        result = old with { Inputs = checkedInputs };
                        break;
                    case DiffChange.Update:
                        Calls.Add($"update {declared.Name}{suffix}");
                        var updated = await verbs.UpdateAsync(declared.Type, old.Id, old.Outputs, checkedInputs, preview);
                        result = old with { Inputs = checkedInputs, Outputs = preview ? updated.Outputs : Known(declared.Name, updated.Outputs) };
                        break;
                    default:
                        if (diff.DeleteBeforeReplace)
                        {
                            await DeleteAsync(old, preview);
                        }
                        else
                        {
                            condemned.Add(old);
                        }

                        result = await CreateAsync(declared, checkedInputs, preview);
                        break;
                }
            }

            outputs[declared.Name] = result.Outputs;
            next.Add(result);
        }

        // Replaced and no longer declared resources go last, dependents first.
        condemned.AddRange(_state.Where(r => program.All(d => d.Name != r.Name)));
        foreach (var resource in condemned.OrderByDescending(r => _state.IndexOf(r)))
        {
            await DeleteAsync(resource, preview);
        }

        if (!preview)
        {
            _state.Clear();
            _state.AddRange(next);
        }

        return outputs;
    }

    private async Task<ResourceState> CreateAsync(Declared declared, JsonObject inputs, bool preview)
    {
        Calls.Add($"create {declared.Name}{(preview ? " (preview)" : "")}");
        Func<Task<CreateResult>> create = () => verbs.CreateAsync(declared.Type, inputs, preview);
        var created = preview || aroundCreate is null ? await create() : await aroundCreate(declared.Type, create);
        if (!preview && string.IsNullOrEmpty(created.Id))
        {
            throw new InvalidOperationException($"{declared.Name}: Create returned no id.");
        }

        return new ResourceState(declared.Name, declared.Type, created.Id, inputs, preview ? created.Outputs : Known(declared.Name, created.Outputs));
    }

    private async Task DeleteAsync(ResourceState resource, bool preview = false)
    {
        Calls.Add($"delete {resource.Name}{(preview ? " (preview)" : "")}");
        if (!preview)
        {
            await verbs.DeleteAsync(resource.Type, resource.Id, resource.Outputs);
        }
    }

    /// <summary>The SDK's serialisation of a resource's inputs: unknowns stay unknown, known nulls are left out.</summary>
    private static JsonObject Resolve(Declared declared, IReadOnlyDictionary<string, JsonObject> outputs)
    {
        var inputs = new JsonObject();
        foreach (var (key, value) in declared.Inputs)
        {
            var node = value switch
            {
                OutputRef r => outputs.TryGetValue(r.Resource, out var from)
                    ? from[r.Output]?.DeepClone()
                    : throw new InvalidOperationException($"{declared.Name}.{key} refers to {r.Resource}, which is declared later."),
                JsonNode literal => literal.DeepClone(),
                string text => JsonValue.Create(text),
                null => null,
                _ => throw new ArgumentException($"{declared.Name}.{key}: use a JsonNode, a string or an OutputRef."),
            };
            if (node is not null)
            {
                inputs[key] = node;
            }
        }

        return inputs;
    }

    /// <summary>Outputs outside a preview must all be known: the engine refuses unknowns from a real Create.</summary>
    private static JsonObject Known(string name, JsonObject outputs)
    {
        var unknown = PropertyBags.UnknownKeys(outputs);
        return unknown.Count == 0
            ? outputs
            : throw new InvalidOperationException($"{name}: outputs {string.Join(", ", unknown)} are unknown outside a preview.");
    }
}
