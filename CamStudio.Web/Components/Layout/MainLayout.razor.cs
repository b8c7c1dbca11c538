using MudBlazor;

namespace CamStudio.Web.Components.Layout;

/// <summary>App bar, navigation drawer and the MudBlazor providers; dark or light follows the system.</summary>
public partial class MainLayout
{
    // MudBlazor's default success/info/warning are too light for white chip text (2.1:1 for "Live"); these shades keep
    // state chips at WCAG AA contrast (≥ 4.5:1), on the pages and over video.
    private static readonly MudTheme s_theme = new()
    {
        PaletteLight = new PaletteLight { Success = "#2e7d32", Info = "#0277bd", Warning = "#b35c00", Error = "#c62828" },
        PaletteDark = new PaletteDark { Success = "#2e7d32", Info = "#0277bd", Warning = "#b35c00", Error = "#c62828" },
    };

    private MudThemeProvider? _themeProvider;
    private bool _isDarkMode;
    private bool _drawerOpen = true;

    private void ToggleDrawer() => _drawerOpen = !_drawerOpen;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        // The system preference is only known in the browser; ObserveSystemDarkModeChange follows later switches.
        if (firstRender && _themeProvider is not null)
        {
            _isDarkMode = await _themeProvider.GetSystemDarkModeAsync();
            StateHasChanged();
        }
    }
}
