using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CamStudio.Tests.Web.Operations;

/// <summary>
/// Keeps every log entry the app writes at every level: the formatted message, each structured property, the
/// exception with its inner exceptions, and scopes — everything a console or JSON formatter could print.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach ((string key, object? value) in properties)
                {
                    text.Append(CultureInfo.InvariantCulture, $" {key}={value}");
                }
            }

            owner._scopes.ForEachScope((scope, sb) => sb.Append(CultureInfo.InvariantCulture, $" scope={scope}"), text);
            if (exception is not null)
            {
                text.Append(' ').Append(exception);
            }

            owner._entries.Enqueue(text.ToString());
        }
    }
}
