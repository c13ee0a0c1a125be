using OpenMaas.Server.Cli;

return await OpenMaasCli.Create().Parse(args).InvokeAsync();
