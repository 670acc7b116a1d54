; Inno Setup 6 script: packs dist\DTKS Desktop\ (from dtks_desktop.spec) into one setup program.
; Build on Windows: "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\dtks_desktop.iss
#define AppName "DTKS Desktop"
#define AppVersion "0.1.0"

[Setup]
AppId={{6F1D2C1E-5B7A-4C7E-9D2B-3A1F0D7C5E21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Dinas Sosial
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputDir=..\dist
OutputBaseFilename=DTKS-Desktop-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
; The database lives in the user's data folder (%LOCALAPPDATA%), never in Program Files,
; so uninstalling or upgrading the program never touches the data.

[Languages]
Name: "indonesian"; MessagesFile: "compiler:Languages\Indonesian.isl"

[Tasks]
Name: "desktopicon"; Description: "Buat ikon di desktop"; GroupDescription: "Ikon tambahan:"

[Files]
Source: "..\dist\DTKS Desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\DTKS Desktop.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\DTKS Desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\DTKS Desktop.exe"; Description: "Jalankan {#AppName}"; Flags: nowait postinstall skipifsilent
