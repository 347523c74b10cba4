namespace RftInfra.Core.Validation;

/// <summary>
/// Service limits the catalog leaves open (its <c>max</c> is null) but the service, and so the emulator, enforce.
/// One place for both: the validator reports them (RFT208), the emulator answers 400 for them.
/// </summary>
public static class ServiceLimits
{
    /// <summary>The most epochs a reinforcement fine-tuning job takes.</summary>
    public const int MaxEpochs = 50;

    /// <summary>The upper bound of a hyperparameter when the catalog gives none; null when the service has none either.</summary>
    public static double? MaxOf(string hyperparameter) => hyperparameter == "n_epochs" ? MaxEpochs : null;
}
