namespace RftInfra.AzureOpenAI;

/// <summary>
/// The one error type of the fine-tuning client (Azure's RequestFailedException habit): the call, the resource it
/// concerns, the HTTP status and the service's error code, param and message. The message always names all of
/// them and what to do; it never holds a key or token.
/// </summary>
public sealed class RftServiceException : Exception
{
    public RftServiceException(
        string message,
        string operation,
        string? resource,
        int status,
        string? errorCode = null,
        string? param = null,
        string? serviceMessage = null,
        int attempts = 1,
        bool mayHaveBeenApplied = false,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        Resource = resource;
        Status = status;
        ErrorCode = errorCode;
        Param = param;
        ServiceMessage = serviceMessage;
        Attempts = attempts;
        MayHaveBeenApplied = mayHaveBeenApplied;
    }

    /// <summary>Method and path, e.g. <c>POST /openai/v1/fine_tuning/jobs</c>.</summary>
    public string Operation { get; }

    /// <summary>What the call was about, e.g. <c>job ftjob-abc</c> or <c>file capital-train.jsonl</c>.</summary>
    public string? Resource { get; }

    /// <summary>HTTP status; 0 when no answer arrived (connection failure, timeout).</summary>
    public int Status { get; }

    public string? ErrorCode { get; }

    public string? Param { get; }

    public string? ServiceMessage { get; }

    /// <summary>How many tries were made.</summary>
    public int Attempts { get; }

    /// <summary>
    /// A non-repeatable write (job create, file upload) whose answer was lost or was a 5xx: the service may have
    /// done it. The caller must look before trying again (the lifecycles do: find by hash, then create).
    /// </summary>
    public bool MayHaveBeenApplied { get; }
}
