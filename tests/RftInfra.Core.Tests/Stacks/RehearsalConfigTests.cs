using System.Diagnostics;
using RftInfra.Diagnostics;
using RftInfra.Stacks;
using YamlDotNet.RepresentationModel;
using static RftInfra.Core.Tests.Stacks.StackTestData;

namespace RftInfra.Core.Tests.Stacks;

/// <summary>The <c>rft-infra:rehearsal</c> setting: only the rft resources, on the local emulator.</summary>
public class RehearsalConfigTests
{
    private const string Key = "s3cret-emulator-key";

    private static (string, string) Rehearsal(string json) => ("rehearsal", json);

    [Fact]
    public void Absent_MeansAnAzureStack()
    {
        Assert.Null(Settings("dev").Rehearsal);
    }

    [Fact]
    public void EndpointAndKey_AreBound()
    {
        var settings = Settings("rehearsal", ("regions", """["swedencentral"]"""),
            Rehearsal($$"""{"endpoint":"http://127.0.0.1:5080/","apiKey":"{{Key}}"}"""));

        Assert.Equal(new Uri("http://127.0.0.1:5080/"), settings.Rehearsal!.Endpoint);
        Assert.Equal(Key, settings.Rehearsal.ApiKey);
        Assert.Equal("rehearsal", settings.Environment);
        Assert.DoesNotContain(Key, settings.Rehearsal.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, settings.ToString(), StringComparison.Ordinal);
        Assert.Contains("ApiKey = ***", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("https://127.0.0.1:5443/")]
    [InlineData("http://[::1]:5080/")]
    public void LoopbackEndpoints_AreAccepted(string endpoint)
    {
        var settings = Settings("dev", Rehearsal($$"""{"endpoint":"{{endpoint}}","apiKey":"k"}"""));

        Assert.True(settings.Rehearsal!.Endpoint.IsLoopback);
    }

    [Theory]
    [InlineData("https://rft-dev-sweden.openai.azure.com/")]
    [InlineData("http://10.0.0.5:5080/")]
    [InlineData("http://127.0.0.1:5080/openai/v1/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("http://user:pw@127.0.0.1:5080/")]
    public void AnEndpointThatIsNotTheLocalEmulator_IsRefused(string endpoint)
    {
        var result = Parse("dev", Rehearsal($$"""{"endpoint":"{{endpoint}}","apiKey":"k"}"""));

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT509", error.Code);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Equal("Pulumi.dev.yaml", error.File);
        Assert.Contains($"config rft-infra:rehearsal: rehearsal.endpoint '{endpoint}' is not the local emulator", error.Message);
        Assert.Equal("pulumi config set --path rft-infra:rehearsal.endpoint http://127.0.0.1:5080/ (docs/pulumi.md, \"Rehearsal\")", error.Hint);
    }

    [Fact]
    public void AMissingKey_NamesTheSecretCommand()
    {
        var result = Parse("rehearsal", ("regions", """["swedencentral"]"""), Rehearsal("""{"endpoint":"http://127.0.0.1:5080/"}"""));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT509", error.Code);
        Assert.Equal("config rft-infra:rehearsal: rehearsal.apiKey is not set: the emulator refuses calls without its key.", error.Message);
        Assert.StartsWith("pulumi config set --secret --path rft-infra:rehearsal.apiKey ", error.Hint);
        Assert.Null(result.Settings);
    }

    [Theory]
    [InlineData("""{"endpoint":"http://127.0.0.1:5080/","apiKey":""}""", "rehearsal.apiKey must be a non-empty string")]
    [InlineData("""{"endpoint":"http://127.0.0.1:5080/","apiKey":42}""", "rehearsal.apiKey must be a non-empty string")]
    [InlineData("""{"apiKey":"k"}""", "rehearsal.endpoint is not set")]
    [InlineData("""{"endpoint":5080,"apiKey":"k"}""", "rehearsal.endpoint must be a URL string")]
    [InlineData("""{"endpoint":"http://127.0.0.1:5080/","apiKey":"k","region":"x"}""", "unknown setting 'region'")]
    public void BadValues_GetOneFindingEach(string json, string message)
    {
        var result = Parse("dev", Rehearsal(json));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT509", error.Code);
        Assert.Contains(message, error.Message);
        Assert.Contains("docs/pulumi.md", error.Hint);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("[\"http://127.0.0.1:5080/\"]")]
    public void AValueThatIsNotAnObject_IsRefusedWithAnExample(string value)
    {
        var result = Parse("dev", ("rehearsal", value));

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT501", error.Code);
        Assert.StartsWith("config rft-infra:rehearsal: the value ", error.Message);
        Assert.Equal("""pulumi config set rft-infra:rehearsal '{"endpoint":"http://127.0.0.1:5080/"}'""", error.Hint);
    }

    [Fact]
    public void TheKey_NeverAppearsInAFinding()
    {
        var result = Parse("dev",
            ("principals", """[{"objectId":"11111111-2222-3333-4444-555555555555"}]"""),
            Rehearsal($$"""{"endpoint":"https://example.com/","apiKey":"{{Key}}","extra":1}"""));

        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.DoesNotContain(Key, d.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void AzureOnlySettings_WarnThatTheyHaveNoEffect()
    {
        var result = Parse("dev",
            ("principals", """[{"objectId":"11111111-2222-3333-4444-555555555555"}]"""),
            ("restoreSoftDeleted", "true"),
            Rehearsal("""{"endpoint":"http://127.0.0.1:5080/","apiKey":"k"}"""));

        Assert.True(result.IsValid);
        Assert.Equal(["principals", "restoreSoftDeleted"], result.Diagnostics.Select(d => d.Message.Split(':')[1].Trim()));
        Assert.All(result.Diagnostics, d =>
        {
            Assert.Equal("RFT509", d.Code);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.Contains("has no effect in a rehearsal", d.Message);
        });
    }

    [Fact]
    public void AHugeHostileValue_GivesOneShortFinding_Quickly()
    {
        var endpoint = "http://" + new string('a', 1_000_000) + ".example/";
        var clock = Stopwatch.StartNew();

        var result = Parse("dev", Rehearsal($$"""{"endpoint":"{{endpoint}}","apiKey":"k"}"""));

        clock.Stop();
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("RFT509", error.Code);
        Assert.True(error.Message.Length < 400, $"message of {error.Message.Length} characters");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void TheShippedRehearsalStack_ParsesOnceTheKeyIsSet()
    {
        // Pulumi.rehearsal.yaml ships the endpoint; the key is set by the user as a secret (docs/pulumi.md).
        var values = StackFileValues("Pulumi.rehearsal.yaml");
        Assert.False(values.ContainsKey("rehearsal.apiKey"));
        var rehearsal = System.Text.Json.Nodes.JsonNode.Parse(values["rehearsal"]!)!.AsObject();
        rehearsal["apiKey"] = "rft-emulator-key";
        values["rehearsal"] = rehearsal.ToJsonString();

        var result = StackConfigParser.Parse("rehearsal", values, Regions);

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new Uri("http://127.0.0.1:5080/"), result.Settings!.Rehearsal!.Endpoint);
        Assert.NotEmpty(result.Settings.JobPaths);
    }

    /// <summary>A stack file's <c>rft-infra:*</c> values as Pulumi hands them to the program (objects and lists as JSON).</summary>
    private static Dictionary<string, string?> StackFileValues(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot, file))));
        var config = (YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode).Children[new YamlScalarNode("config")];
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in config.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            Assert.StartsWith("rft-infra:", name);
            values[name["rft-infra:".Length..]] = value is YamlScalarNode scalar ? scalar.Value : ToJson(value)!.ToJsonString();
        }

        return values;
    }

    private static System.Text.Json.Nodes.JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new System.Text.Json.Nodes.JsonObject(
            map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode seq => new System.Text.Json.Nodes.JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => System.Text.Json.Nodes.JsonValue.Create(scalar.Value),
        _ => null,
    };
}
