namespace OpenMaas.Server.WebConsole;

/// <summary>The console's strings. The key is the English text; <c>ConsoleText.zh-Hans.resx</c> holds the Simplified
/// Chinese (a test checks that every key used by a page has a translation).</summary>
internal sealed class ConsoleText;
