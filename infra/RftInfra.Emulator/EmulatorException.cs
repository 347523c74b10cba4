using System.Text.Json.Nodes;

namespace RftInfra.Emulator;

/// <summary>
/// The one error the emulator's handlers throw; <see cref="EmulatorErrorMiddleware"/> turns it into the service's
/// <c>{"error":{"code","message","param","type"}}</c> body with <see cref="Status"/>.
/// </summary>
public sealed class EmulatorException(int status, string code, string message, string? param = null, string? type = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    public string? Type { get; } = type;

    public JsonObject ToBody() => ErrorBody(Code, Message, Param, Type);

    public static JsonObject ErrorBody(string code, string message, string? param = null, string? type = null) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["param"] = param,
            ["type"] = type,
        },
    };
}

/// <summary>
/// The errors the emulator answers with, one factory per case. Codes and messages follow what the service is
/// known to send (docs/service.md, public issue reports); where the real text is not known the code is our best guess
/// in the service's camelCase style, and the message says what to fix.
/// </summary>
public static class EmulatorErrors
{
    public static EmulatorException Unauthorized() => new(
        401, "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");

    public static EmulatorException RouteNotFound() => new(404, "404", "Resource not found");

    public static EmulatorException NotFound(string what, string id) => new(
        404, "notFound", $"The {what} '{id}' was not found. Check the id, or list the {what}s to see which exist.",
        null, "invalid_request_error");

    public static EmulatorException InvalidPayload(string message, string? param = null) =>
        new(400, "invalidPayload", message, param, "invalid_request_error");

    public static EmulatorException MissingField(string param) => InvalidPayload(
        $"Missing required parameter: '{param}'.", param);

    public static EmulatorException ApiVersionMissing() => new(
        400, "BadRequest",
        "This route needs the api-version query parameter, e.g. ?api-version=2025-04-01-preview.", "api-version");

    public static EmulatorException ApiVersionNotSupported(string version) => new(
        400, "BadRequest", $"API version not supported: '{version}'. Use 2025-04-01-preview.", "api-version");

    public static EmulatorException QuotaExceeded(string message) =>
        new(400, "quotaExceeded", message, null, "invalid_request_error");

    public static EmulatorException FileNotReady(string param, string fileId, string status) => new(
        400, "invalidPayload",
        $"The file import has not completed for '{fileId}' (status '{status}'). Wait until the file status is 'processed' before creating the job.",
        param, "invalid_request_error");

    public static EmulatorException BadState(string message) =>
        new(400, "invalidPayload", message, null, "invalid_request_error");

    public static EmulatorException BaseModelNotSupported(string model) => new(
        400, "invalidPayload",
        $"The specified base model does not support fine-tuning. ('{model}'; reinforcement fine-tuning supports o4-mini-2025-04-16.)",
        "model", "invalid_request_error");

    public static EmulatorException DeploymentNotFound(string deployment) => new(
        404, "DeploymentNotFound",
        $"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again. (deployment '{deployment}')");

    /// <summary>A change that could not be committed to the state database; it was not made.</summary>
    public static EmulatorException NotSaved() => new(
        500, "InternalServerError",
        "A system error was encountered: the change could not be saved and was not made. Please retry the request.");

    public static EmulatorException RequestTooLarge(long? limit) => new(
        413, "RequestEntityTooLarge",
        $"The request body is larger than this route accepts{(limit is { } l ? $" ({l} bytes)" : "")}. Send a smaller body; for large files use the uploads API in parts.",
        null, "invalid_request_error");

    public static EmulatorException Internal() => new(
        500, "InternalServerError", "A system error was encountered. Please retry the request.");
}
