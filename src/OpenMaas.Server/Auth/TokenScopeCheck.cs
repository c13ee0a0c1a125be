using OpenMaas.Core.Tokens;

namespace OpenMaas.Server.Auth;

/// <summary>The token-scope step of every inference call and of model lookups: a model outside the calling token's
/// scope is refused with 403 <c>model_not_allowed</c> before admission, so it costs nothing.</summary>
internal static class TokenScopeCheck
{
    public const string Code = "model_not_allowed";

    /// <summary>Null when the token may call the model; otherwise the message to answer with.</summary>
    public static string? Refusal(TokenScope scope, string modelId) => scope.Allows(modelId)
        ? null
        : $"This access token may not call the model '{modelId}': it is limited to {string.Join(", ", scope.Models)}. " +
          "Use a token without this restriction, or ask its owner to widen it (token set ID --models …).";
}
