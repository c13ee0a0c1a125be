using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Pipeline;

/// <summary>
/// The token-scope step: a model outside the calling token's scope is refused with 403 <c>model_not_allowed</c>,
/// after API-Inference and before preparation and admission, so it costs nothing, on every surface. The scope comes
/// with the request from the token check (<see cref="CallerExtensions.TokenScope(System.Security.Claims.ClaimsPrincipal)"/>); a console session has none.
/// </summary>
internal sealed class TokenScopeAuthorizer : ICallAuthorizer
{
    public const string Code = "model_not_allowed";

    public int Order => 200;

    public ValueTask AuthorizeAsync(InferenceCall call, CancellationToken ct)
    {
        EnsureAllowed(call.Caller.TokenScope(), call.Model.Id);
        return ValueTask.CompletedTask;
    }

    /// <summary>Throws 403 <c>model_not_allowed</c> when <paramref name="scope"/> leaves the model out.</summary>
    public static void EnsureAllowed(TokenScope scope, string modelId)
    {
        if (!scope.Allows(modelId))
        {
            throw new CallException(StatusCodes.Status403Forbidden, CallErrorKind.Permission,
                $"This access token may not call the model '{modelId}': it is limited to {string.Join(", ", scope.Models)}. " +
                "Use a token without this restriction, or ask its owner to widen it (openmaas token set ID --models …).",
                "model", Code);
        }
    }
}
