using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RftInfra.Declarations;
using RftInfra.Diagnostics;
using RftInfra.Validation;
using static RftInfra.Core.Tests.Validation.ValidationTestKit;

namespace RftInfra.Core.Tests.Validation;

/// <summary>
/// What rft validate says for each model, tier and region of the December 2026 catalog, and that a change to a
/// checkout's copy of the catalog alone flips each answer (the checkout's catalog wins over the built-in one).
/// </summary>
public class CatalogFactTests
{
    private static readonly string[] AprilRegions =
    [
        "eastus2", "northcentralus", "westus3", "australiaeast", "francecentral", "germanywestcentral", "switzerlandnorth",
        "polandcentral", "spaincentral", "italynorth", "switzerlandwest", "swedencentral", "norwayeast",
    ];

    private static readonly string[] AddedRegions =
    [
        "brazilsouth", "canadacentral", "canadaeast", "eastus", "japaneast", "koreacentral", "southafricanorth",
        "southcentralus", "southindia", "southeastasia", "uksouth", "westeurope", "westus",
    ];

    private static string Job(string model, string trainingType, string region) => $"""
        name: qa
        model: {model}
        training_file: data/train.jsonl
        validation_file: data/valid.jsonl
        grader: match
        training_type: {trainingType}
        region: {region}

        """;

    public static TheoryData<string> Confirmed => [.. AprilRegions];

    public static TheoryData<string> Inferred => [.. AddedRegions];

    [Fact]
    public void GlobalTraining_Has26RegionsForO4Mini_AndUaeNorthForOpenWeightOnly()
    {
        var model = RftCatalog.Default.FindModel("o4-mini")!;
        Assert.Equal(26, model.RegionsOf("globalstandard").Count);
        Assert.Equal(AprilRegions.Concat(AddedRegions).Order(), model.RegionsOf("globalstandard").Order());
        Assert.Contains("uaenorth", RftCatalog.Default.Regions);
        Assert.Contains("uaenorth", RftCatalog.Default.FindModel("gpt-oss-120b")!.RegionsOf("globalstandard"));
    }

    [Theory]
    [MemberData(nameof(Confirmed))]
    public void O4Mini_GlobalStandard_ConfirmedRegion_NoFindings(string region)
    {
        var diagnostics = CheckJob(Job("o4-mini", "globalstandard", region));
        Assert.True(diagnostics.Count == 0, Describe(diagnostics));
    }

    [Theory]
    [MemberData(nameof(Inferred))]
    public void O4Mini_GlobalStandard_AddedRegion_WarnsThatItIsInferred(string region)
    {
        var finding = Assert.Single(CheckJob(Job("o4-mini", "globalstandard", region)));
        Assert.Equal(("RFT231", DiagnosticSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Contains($"'globalstandard' training of o4-mini-2025-04-16 in {region} is inferred", finding.Message, StringComparison.Ordinal);
        Assert.Contains("Confirmed regions: eastus2, northcentralus", finding.Hint, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(7, 9), finding.Position);
    }

    [Fact]
    public void O4Mini_GlobalStandard_UaeNorth_IsAnError()
    {
        var finding = Assert.Single(CheckJob(Job("o4-mini", "globalstandard", "uaenorth")));
        Assert.Equal(("RFT207", DiagnosticSeverity.Error), (finding.Code, finding.Severity));
        Assert.Equal("'globalstandard' training of o4-mini-2025-04-16 is not available in uaenorth.", finding.Message);
    }

    [Theory]
    [InlineData("developer", "westeurope")]
    [InlineData("developer", "swedencentral")]
    [InlineData("datazone", "eastus")]
    [InlineData("datazone", "westus3")]
    public void O4Mini_DeveloperAndDataZone_WhereTheCatalogAllows_WarnOnlyThatTheyAreInferred(string trainingType, string region)
    {
        var finding = Assert.Single(CheckJob(Job("o4-mini", trainingType, region)));
        Assert.Equal("RFT231", finding.Code);
        Assert.Contains("No region is confirmed", finding.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("datazone", "westeurope")]
    [InlineData("datazone", "swedencentral")]
    [InlineData("developer", "uaenorth")]
    public void O4Mini_DeveloperAndDataZone_OutsideTheirRegions_AreErrors(string trainingType, string region)
    {
        var finding = Assert.Single(CheckJob(Job("o4-mini", trainingType, region)));
        Assert.Equal(("RFT207", DiagnosticSeverity.Error), (finding.Code, finding.Severity));
        Assert.Contains($"is not available in {region}", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpt5_IsGated_WarnsWithHowToGetAccess()
    {
        var finding = Assert.Single(CheckJob(Job("gpt-5", "standard", "swedencentral")));
        Assert.Equal(("RFT230", DiagnosticSeverity.Warning), (finding.Code, finding.Severity));
        Assert.StartsWith("RFT for gpt-5-2025-08-07 is gated", finding.Message, StringComparison.Ordinal);
        Assert.Contains("ask your Microsoft account team", finding.Hint, StringComparison.Ordinal);
        Assert.Equal(new SourcePosition(2, 8), finding.Position);
    }

    [Fact]
    public void OpenWeightModel_IsAFoundryProjectModelWithADeployedGrader()
    {
        var model = RftCatalog.Default.FindModel("qwen3.8-27b")!;
        Assert.Equal(("foundry_project", "deployed", "preview"), (model.EndpointKind, model.Grader, model.Status));
        Assert.True(model.NeedsFoundryProject);
        Assert.False(RftCatalog.Default.FindModel("o4-mini")!.NeedsFoundryProject);
    }

    // --- lifecycle (RFT232): the date comes from the caller's TimeProvider ----------------------------------

    private static List<Diagnostic> CheckAt(string yaml, DateTimeOffset now, RftCatalog? catalog = null)
    {
        var job = DeclarationReader.Read(yaml, "jobs/j.yaml", true).Object!;
        return [.. RftValidator.CheckJob(job, "jobs/j.yaml", catalog: catalog, time: new FakeTimeProvider(now))];
    }

    [Fact]
    public void O4Mini_PastItsNotBeforeRetirementDate_WarnsWithTheDateAndSource()
    {
        var finding = Assert.Single(CheckAt(Job("o4-mini", "globalstandard", "swedencentral"), new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero)));
        Assert.Equal(("RFT232", DiagnosticSeverity.Warning), (finding.Code, finding.Severity));
        Assert.Equal("o4-mini-2025-04-16: its retirement date (not before 2026-10-16) has passed; it may be retired at any time. "
            + "Source: docs/service.md 0: retirement tables give o4-mini 'retirement not before 2026-10-16'; the Sep 2026 models page still lists it (sources disagree).",
            finding.Message);
    }

    [Theory]
    [InlineData(2026, 7, 18, "in 90 day(s)")]
    [InlineData(2026, 10, 16, "in 0 day(s)")]
    public void O4Mini_WithinNinetyDaysOfRetirement_Warns(int year, int month, int day, string expected)
    {
        var finding = Assert.Single(CheckAt(Job("o4-mini", "globalstandard", "swedencentral"), new(year, month, day, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal("RFT232", finding.Code);
        Assert.Contains($"it retires not before 2026-10-16, {expected}", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void O4Mini_MoreThanNinetyDaysBeforeRetirement_NoFinding() =>
        Assert.Empty(CheckAt(Job("o4-mini", "globalstandard", "swedencentral"), new(2026, 7, 17, 12, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void NoNewCustomersDate_Passed_Warns()
    {
        var catalog = RftCatalog.Parse(EditCatalog(c => Model(c, "gpt-5-2025-08-07")["no_new_customers"] =
            new JsonObject { ["date"] = "2026-11-01", ["source"] = "test source" }).ToJsonString());
        var diagnostics = CheckAt(Job("gpt-5", "standard", "swedencentral"), new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero), catalog);
        var finding = Assert.Single(diagnostics, d => d.Code == "RFT232");
        Assert.Equal("gpt-5-2025-08-07 takes no new customers since 2026-11-01: a subscription that has not used it may be refused. Source: test source.", finding.Message);
    }

    [Fact]
    public void ValidateCli_UsesItsClock_ForTheLifecycleWarning()
    {
        using var root = TempRoot.Clean();
        var stdout = new StringWriter();
        var io = CliRunner.Io(stdout, new StringWriter()) with { Time = new FakeTimeProvider(new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero)) };
        var exit = RftInfra.Cli.Commands.ValidateCommand.Run(new([], root.Path, "json"), io);
        Assert.Equal(0, exit);
        var findings = JsonNode.Parse(stdout.ToString())!["findings"]!.AsArray();
        Assert.Equal("RFT232", Assert.Single(findings)!["code"]!.GetValue<string>());
    }

    // --- a catalog change alone flips each answer --------------------------------------------------------

    private static JsonObject EditCatalog(Action<JsonObject> edit)
    {
        var catalog = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot, RftCatalog.RelativePath)))!;
        edit(catalog);
        return catalog;
    }

    private static JsonObject Model(JsonObject catalog, string id) =>
        catalog["models"]!.AsArray().Select(m => m!.AsObject()).Single(m => m["id"]!.GetValue<string>() == id);

    private static JsonObject Tier(JsonObject catalog, string id, string type) => Model(catalog, id)["training_types"]![type]!.AsObject();

    private static string CodesInCheckout(string yaml, JsonObject? catalog)
    {
        using var root = TempRoot.Clean();
        root.Write("jobs/qa.yaml", yaml);
        if (catalog is not null)
        {
            root.Write(RftCatalog.RelativePath, catalog.ToJsonString());
        }

        return Codes(root.Validate().Diagnostics);
    }

    public static TheoryData<string, string, string, string> Flips => new()
    {
        // job (model trainingType region), catalog edit, answer with the built-in catalog, answer with the edited copy
        { "o4-mini globalstandard uaenorth", "add uaenorth to o4-mini globalstandard", "RFT207", "" },
        { "o4-mini globalstandard westeurope", "confirm westeurope", "RFT231", "" },
        { "o4-mini globalstandard swedencentral", "drop swedencentral from o4-mini globalstandard", "", "RFT207" },
        { "o4-mini developer swedencentral", "drop o4-mini developer", "RFT231", "RFT207" },
        { "o4-mini datazone westeurope", "add westeurope to o4-mini datazone", "RFT207", "RFT231" },
        { "gpt-5 standard swedencentral", "make gpt-5 ga", "RFT230", "" },
        { "gpt-oss-120b globalstandard uksouth", "make gpt-oss-120b gated", "RFT204", "RFT230" },
    };

    private static readonly Dictionary<string, Action<JsonObject>> Edits = new()
    {
        ["add uaenorth to o4-mini globalstandard"] = c => Tier(c, "o4-mini-2025-04-16", "globalstandard")["regions"]!.AsArray().Add("uaenorth"),
        ["confirm westeurope"] = c => Tier(c, "o4-mini-2025-04-16", "globalstandard")["inferred"]!.AsArray()
            .Remove(Tier(c, "o4-mini-2025-04-16", "globalstandard")["inferred"]!.AsArray().Single(r => r!.GetValue<string>() == "westeurope")),
        ["drop swedencentral from o4-mini globalstandard"] = c => Tier(c, "o4-mini-2025-04-16", "globalstandard")["regions"]!.AsArray()
            .Remove(Tier(c, "o4-mini-2025-04-16", "globalstandard")["regions"]!.AsArray().Single(r => r!.GetValue<string>() == "swedencentral")),
        ["drop o4-mini developer"] = c => Model(c, "o4-mini-2025-04-16")["training_types"]!.AsObject().Remove("developer"),
        ["add westeurope to o4-mini datazone"] = c =>
        {
            Tier(c, "o4-mini-2025-04-16", "datazone")["regions"]!.AsArray().Add("westeurope");
            Tier(c, "o4-mini-2025-04-16", "datazone")["inferred"]!.AsArray().Add("westeurope");
        },
        ["make gpt-5 ga"] = c => Model(c, "gpt-5-2025-08-07")["status"] = "ga",
        ["make gpt-oss-120b gated"] = c => Model(c, "gpt-oss-120b")["status"] = "gated",
    };

    [Theory]
    [MemberData(nameof(Flips))]
    public void CatalogChangeAlone_FlipsTheAnswer(string job, string edit, string before, string after)
    {
        var parts = job.Split(' ');
        var yaml = Job(parts[0], parts[1], parts[2]);
        Assert.Equal(before, CodesInCheckout(yaml, null));
        Assert.Equal(before, CodesInCheckout(yaml, EditCatalog(_ => { })));
        Assert.Equal(after, CodesInCheckout(yaml, EditCatalog(Edits[edit])));
    }

    // --- the catalog file stays strict, every error naming its field --------------------------------------

    public static TheoryData<string, string> BadCatalogs => new()
    {
        { "status", "Catalog field 'models[1].status' is 'invited'; use one of: ga, gated, preview." },
        { "region", "Catalog field 'models[0].training_types.standard.regions' names region 'westeurop'" },
        { "inferred", "Catalog field 'models[0].training_types.standard.inferred' names region 'westus'" },
        { "tier", "Catalog field 'models[0].training_types.dataZone' is 'dataZone'; use one of: standard, globalstandard, developer, datazone." },
        { "endpoint", "Catalog field 'models[2].endpoint_kind' is 'project'; use one of: azure_openai, foundry_project." },
        { "date", "Catalog field 'models[0].retirement.date' must be a date like 2026-10-16; found '16/10/2026'." },
        { "uppercase", "Catalog field 'training_types.DataZone' must be named in lowercase ('datazone')" },
    };

    [Theory]
    [MemberData(nameof(BadCatalogs))]
    public void Parse_BadCatalog_ErrorNamesTheField(string what, string expected)
    {
        var catalog = EditCatalog(c =>
        {
            switch (what)
            {
                case "status": Model(c, "gpt-5-2025-08-07")["status"] = "invited"; break;
                case "region": Tier(c, "o4-mini-2025-04-16", "standard")["regions"]!.AsArray().Add("westeurop"); break;
                case "inferred": Tier(c, "o4-mini-2025-04-16", "standard")["inferred"] = new JsonArray("westus"); break;
                case "tier": Model(c, "o4-mini-2025-04-16")["training_types"]!["dataZone"] = new JsonArray("eastus"); break;
                case "endpoint": Model(c, "Qwen3.8-27B")["endpoint_kind"] = "project"; break;
                case "date": Model(c, "o4-mini-2025-04-16")["retirement"]!["date"] = "16/10/2026"; break;
                case "uppercase": c["training_types"]!["DataZone"] = new JsonObject(); break;
            }
        });
        var error = Assert.Throws<System.Text.Json.JsonException>(() => RftCatalog.Parse(catalog.ToJsonString()));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AprilCatalogForm_StillReads()
    {
        var catalog = EditCatalog(c =>
        {
            Model(c, "o4-mini-2025-04-16")["training_types"]!["standard"] = new JsonArray("eastus2");
            Model(c, "gpt-5-2025-08-07")["status"] = "private_preview";
            c["training_types"]!["standard"]!.AsObject().Remove("wire");
            c["training_types"]!["standard"]!.AsObject().Remove("wire_inferred");
        });
        var parsed = RftCatalog.Parse(catalog.ToJsonString());
        Assert.Equal(["eastus2"], parsed.FindModel("o4-mini")!.RegionsOf("standard"));
        Assert.True(parsed.FindModel("gpt-5")!.IsPreview);
        Assert.Equal(new CatalogTier("standard", "standard", true, null), parsed.Tiers["standard"] with { WireSource = null });
    }

    [Fact]
    public void WireLiterals_AreData()
    {
        var catalog = RftCatalog.Default;
        Assert.Equal(("standard", "globalStandard", "developerTier", "dataZoneStandard"),
            (catalog.WireTrainingType("standard"), catalog.WireTrainingType("globalstandard"), catalog.WireTrainingType("developer"), catalog.WireTrainingType("datazone")));
        Assert.Equal("somethingNew", catalog.WireTrainingType("somethingNew"));
        var edited = RftCatalog.Parse(EditCatalog(c => c["training_types"]!["globalstandard"]!["wire"] = "globalstandard").ToJsonString());
        Assert.Equal("globalstandard", edited.WireTrainingType("GlobalStandard"));
    }

    // --- a hostile checkout catalog: a finding naming the field, in bounded time --------------------------

    [Fact]
    public void CheckoutCatalog_DuplicateRegion_IsRft300AndTheBuiltInOneIsUsed()
    {
        var catalog = EditCatalog(c => c["regions"]!.AsArray().Add(new JsonObject { ["name"] = "swedencentral" }));
        using var root = TempRoot.Clean();
        root.Write(RftCatalog.RelativePath, catalog.ToJsonString());
        var finding = Assert.Single(root.Validate().Diagnostics);
        Assert.Equal(("RFT300", "catalog/catalog.json"), (finding.Code, finding.File));
        Assert.Contains("Catalog field 'regions' names 'swedencentral' twice.", finding.Message, StringComparison.Ordinal);
        Assert.Contains("The built-in catalog is used instead.", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckoutCatalog_AMegabyteOfRegions_IsReadInBoundedTime()
    {
        // ~60 000 region names, each listed in a tier and as inferred: quadratic checks would take minutes.
        var names = Enumerable.Range(0, 20_000).Select(i => $"r{i}").ToList();
        var catalog = EditCatalog(c =>
        {
            foreach (var name in names)
            {
                c["regions"]!.AsArray().Add(new JsonObject { ["name"] = name });
            }

            Tier(c, "o4-mini-2025-04-16", "developer")["regions"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]);
            Tier(c, "o4-mini-2025-04-16", "developer")["inferred"] = new JsonArray([.. names.Select(n => (JsonNode?)n)]);
        });
        var text = catalog.ToJsonString();
        Assert.InRange(text.Length, 500_000, RftInfra.Files.CheckoutFile.DeclarationMaxBytes);
        using var root = TempRoot.Clean();
        root.Write(RftCatalog.RelativePath, text);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var diagnostics = root.Validate().Diagnostics;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Empty(diagnostics);
    }
}
