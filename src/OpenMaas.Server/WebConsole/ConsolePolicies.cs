namespace OpenMaas.Server.WebConsole;

/// <summary>Authorization policies of the console's pages (session cookie only).</summary>
internal static class ConsolePolicies
{
    public const string SignedIn = "ConsoleSignedIn";
    public const string Admin = "ConsoleAdmin";
}
