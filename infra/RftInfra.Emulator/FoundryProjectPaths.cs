using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace RftInfra.Emulator;

/// <summary>
/// The Foundry project path shape (docs/foundry.md): <c>/api/projects/{project}/openai/v1/…</c> is served by the same
/// routes and the same store as <c>/openai/v1/…</c>. A project endpoint takes no <c>api-version</c> (docs/service.md §1.1:
/// "API version not supported" there) and has no dated surface; uploads and job DELETE, which an account has only on the
/// dated surface, are answered on the project's v1 surface (inferred; see <see cref="IsProjectRequest"/>).
/// </summary>
internal static partial class FoundryProjectPaths
{
    private const string Prefix = "/api/projects/";

    /// <summary>Rewrites a project path to the v1 route it is served by, before routing; refuses anything else under <c>/api/projects/</c>.</summary>
    public static Task Rewrite(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        var match = ProjectPath().Match(path);
        if (!match.Success)
        {
            // /api/projects/{p}/openai/files/import?api-version=… and the like: a project has no dated surface.
            throw EmulatorErrors.RouteNotFound();
        }

        var version = context.Request.Query["api-version"].ToString();
        if (version.Length > 0)
        {
            throw new EmulatorException(400, "BadRequest",
                $"API version not supported: '{version}'. A project endpoint takes no api-version: call /api/projects/{{project}}/openai/v1/ without it.",
                "api-version");
        }

        context.Items[typeof(FoundryProjectPaths)] = match.Groups["project"].Value;
        context.Request.Path = "/openai/v1" + match.Groups["rest"].Value;
        return next(context);
    }

    /// <summary>True when the call came through a project path (the v1 uploads and job DELETE exist only there).</summary>
    public static bool IsProjectRequest(HttpContext context) => context.Items.ContainsKey(typeof(FoundryProjectPaths));

    // Project names: 2-64 letters, digits, '-', '_' or '.' (as the stack setting takes them).
    [GeneratedRegex("^/api/projects/(?<project>[A-Za-z0-9][A-Za-z0-9_.-]{1,63})/openai/v1(?<rest>/.*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectPath();
}
