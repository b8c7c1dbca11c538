using System.Globalization;
using System.Text;
using CamStudio.Core;
using CamStudio.Core.Data;
using FluentAssertions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CamStudio.Tests.Core.Data;

/// <summary>
/// The app runs on the compiled model of its provider (CamStudio.Core/Data/CompiledModels, made by
/// scripts/ef-compiled-model.sh). A compiled model left behind after an entity or configuration change would make the
/// app read and write the old shape - a new column never saved, a new index not known - while the migrations (built
/// from the live model) say all is well. This compares the compiled model with the model EF builds from the entity
/// configurations, table by table and property by property, for both providers; no database is contacted.
/// </summary>
public sealed class CompiledModelTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("camstudio-model-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task The_app_uses_a_compiled_model_that_matches_the_entity_configurations(DatabaseProvider provider)
    {
        await using ServiceProvider services = Build(provider);
        await using CamStudioDbContext context = await services.GetRequiredService<IDbContextFactory<CamStudioDbContext>>().CreateDbContextAsync();

        IModel compiled = context.Model;
        compiled.GetType().Namespace.Should().Be($"CamStudio.Core.Data.CompiledModels.{provider}",
            "the app's context factory must hand out contexts on the compiled model, not build one at start");
        IModel built = context.GetService<IDesignTimeModel>().Model;
        built.Should().NotBeSameAs(compiled);

        string expected = Describe(built);
        expected.Should().Contain("column normalized_name", "the description covers the tables and columns");
        Describe(compiled).Should().Be(expected,
            "the compiled model is stale: run scripts/ef-compiled-model.sh and commit CamStudio.Core/Data/CompiledModels");
    }

    [Fact]
    public void The_description_sees_a_difference_a_stale_model_would_have()
    {
        // Guards the comparison itself: a model with one column fewer must not describe the same.
        var builder = new ModelBuilder();
        builder.Entity("Probe", e =>
        {
            e.Property<int>("Id");
            e.Property<string>("Name");
        });
        var smaller = new ModelBuilder();
        smaller.Entity("Probe", e => e.Property<int>("Id"));

        Describe(builder.FinalizeModel(), tables: false).Should().NotBe(Describe(smaller.FinalizeModel(), tables: false));
    }

    private ServiceProvider Build(DatabaseProvider provider)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DataDirectory"] = _data,
                ["Database:Provider"] = provider.ToString(),
                // Never opened: building and describing a model needs no server.
                ["ConnectionStrings:CamStudio"] = "Host=127.0.0.1;Database=camstudio_model_test",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<IHostEnvironment>(new CamStudioDataOptionsTests.TestEnvironment(_data));
        services.AddLogging();
        services.AddCamStudioCore(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Everything the app's reads and writes depend on, in a stable order, one fact per line.</summary>
    /// <param name="model">A model.</param>
    /// <param name="tables">Also the database side (a relational model; the guard test's bare model has none).</param>
    private static string Describe(IReadOnlyModel model, bool tables = true)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        foreach (IReadOnlyEntityType entity in model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            Line(Invariant($"entity {entity.Name} clr={entity.ClrType.FullName} base={entity.BaseType?.Name}"));
            foreach (IReadOnlyProperty p in entity.GetDeclaredProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                Line(Invariant($"  property {p.Name} {p.ClrType.FullName} nullable={p.IsNullable} concurrency={p.IsConcurrencyToken} ")
                    + Invariant($"generated={p.ValueGenerated} max={p.GetMaxLength()} unicode={p.IsUnicode()} precision={p.GetPrecision()} ")
                    + Invariant($"converter={p.GetValueConverter()?.GetType().Name} field={p.FieldInfo?.Name}"));
            }

            foreach (IReadOnlyKey key in entity.GetDeclaredKeys().OrderBy(k => Names(k.Properties), StringComparer.Ordinal))
            {
                Line($"  key {Names(key.Properties)} primary={key.IsPrimaryKey()}");
            }

            foreach (IReadOnlyForeignKey fk in entity.GetDeclaredForeignKeys().OrderBy(f => Names(f.Properties), StringComparer.Ordinal))
            {
                Line($"  fk {Names(fk.Properties)} -> {fk.PrincipalEntityType.Name}({Names(fk.PrincipalKey.Properties)}) "
                    + Invariant($"delete={fk.DeleteBehavior} required={fk.IsRequired} unique={fk.IsUnique} ")
                    + $"nav={fk.DependentToPrincipal?.Name}/{fk.PrincipalToDependent?.Name}");
            }

            foreach (IReadOnlyIndex index in entity.GetDeclaredIndexes().OrderBy(i => Names(i.Properties), StringComparer.Ordinal))
            {
                Line(Invariant($"  index {Names(index.Properties)} unique={index.IsUnique} name={index.Name}"));
            }

            foreach (IReadOnlySkipNavigation skip in entity.GetDeclaredSkipNavigations().OrderBy(s => s.Name, StringComparer.Ordinal))
            {
                Line($"  skip {skip.Name} -> {skip.TargetEntityType.Name} via {skip.JoinEntityType?.Name}");
            }
        }

        if (model is IModel { } relational && tables)
        {
            DescribeTables(relational.GetRelationalModel(), Line);
        }

        return text.ToString();
    }

    /// <summary>The database side: tables, columns with their store types, keys, indexes and constraints.</summary>
    private static void DescribeTables(IRelationalModel relational, Action<string> line)
    {
        foreach (ITable table in relational.Tables.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            line($"table {table.Schema}.{table.Name} pk={table.PrimaryKey?.Name}({Columns(table.PrimaryKey?.Columns)})");
            foreach (IColumn column in table.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                line(Invariant($"  column {column.Name} {column.StoreType} nullable={column.IsNullable} ")
                    + Invariant($"default={column.DefaultValueSql}|{column.DefaultValue} computed={column.ComputedColumnSql} ")
                    + $"from={string.Join(",", column.PropertyMappings.Select(m => m.Property.DeclaringType.Name + "." + m.Property.Name).Order(StringComparer.Ordinal))}");
            }

            foreach (ITableIndex index in table.Indexes.OrderBy(i => i.Name, StringComparer.Ordinal))
            {
                line($"  index {index.Name}({Columns(index.Columns)}) unique={index.IsUnique} filter={index.Filter}");
            }

            foreach (IUniqueConstraint unique in table.UniqueConstraints.OrderBy(u => u.Name, StringComparer.Ordinal))
            {
                line($"  unique {unique.Name}({Columns(unique.Columns)})");
            }

            foreach (IForeignKeyConstraint fk in table.ForeignKeyConstraints.OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                line($"  fk {fk.Name}({Columns(fk.Columns)}) -> {fk.PrincipalTable.Name}({Columns(fk.PrincipalColumns)}) delete={fk.OnDeleteAction}");
            }
        }
    }

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(",", properties.Select(p => p.Name));

    private static string Columns(IEnumerable<IColumn>? columns) => columns is null ? "" : string.Join(",", columns.Select(c => c.Name));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
