using RftInfra.Declarations;
using RftInfra.Diagnostics;
using static RftInfra.Diagnostics.DiagnosticSeverity;

namespace RftInfra.Validation;

/// <summary>
/// Job findings that come from what the catalog knows about a model (RFT230–RFT232): access, facts that are only
/// inferred, lifecycle dates. All warnings: the service is not known to refuse these jobs (docs/regions.md).
/// </summary>
public static class CatalogFactDiagnostics
{
    /// <summary>How close to a retirement date a job is warned about (the issue's "within 90 days").</summary>
    public const int RetirementWarningDays = 90;

    public static readonly DiagnosticDescriptor GatedDescriptor = new("RFT230", Warning,
        "Model's RFT is gated (by invitation)", "Get access for the subscription before the job runs; docs/regions.md says how.");
    public static readonly DiagnosticDescriptor InferredDescriptor = new("RFT231", Warning,
        "Training type in this region is inferred, not confirmed", "Check the region on the service's fine-tuning models page, or pick a confirmed region (docs/regions.md).");
    public static readonly DiagnosticDescriptor LifecycleDescriptor = new("RFT232", Warning,
        "Base model retires soon or takes no new customers", "Plan a move to a newer base model; dates and sources are in catalog/catalog.json (docs/regions.md).");

    public static IReadOnlyList<DiagnosticDescriptor> All => [GatedDescriptor, InferredDescriptor, LifecycleDescriptor];

    public static Diagnostic Gated(string file, SourcePosition at, CatalogModel model) =>
        GatedDescriptor.Create(file, at,
            $"RFT for {model.Id} is gated: it runs only on subscriptions invited to it." + (model.AccessSource is { } s ? $" Source: {s}." : ""),
            model.Access ?? GatedDescriptor.Fix);

    public static Diagnostic Inferred(string file, SourcePosition at, CatalogModel model, string trainingType, string region) =>
        InferredDescriptor.Create(file, at,
            $"'{trainingType}' training of {model.Id} in {region} is inferred, not confirmed by a source."
                + (model.Sources.TryGetValue(trainingType, out var s) ? $" Catalog source: {s}." : ""),
            ConfirmedHint(model, trainingType));

    /// <summary>The hint names the confirmed regions when there are any.</summary>
    private static string ConfirmedHint(CatalogModel model, string trainingType)
    {
        var confirmed = model.RegionsOf(trainingType).Where(r => !model.IsInferred(trainingType, r)).ToList();
        return confirmed.Count == 0
            ? $"No region is confirmed for '{trainingType}' training of {model.Id}; expect the service to decide (docs/regions.md)."
            : $"Confirmed regions: {string.Join(", ", confirmed)} (docs/regions.md).";
    }

    public static Diagnostic Retiring(string file, SourcePosition at, CatalogModel model, CatalogDate retirement, DateOnly today)
    {
        var days = retirement.Date.DayNumber - today.DayNumber;
        var when = days < 0
            ? $"its retirement date ({retirement.Describe()}) has passed{(retirement.NotBefore ? "; it may be retired at any time" : "")}"
            : $"it retires {retirement.Describe()}, in {days} day(s)";
        return LifecycleDescriptor.Create(file, at, $"{model.Id}: {when}. Source: {retirement.Source}.");
    }

    public static Diagnostic NoNewCustomers(string file, SourcePosition at, CatalogModel model, CatalogDate date) =>
        LifecycleDescriptor.Create(file, at,
            $"{model.Id} takes no new customers since {date.Describe()}: a subscription that has not used it may be refused. Source: {date.Source}.");
}
