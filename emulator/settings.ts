// The delays of the emulator's asynchronous states (CDN deployment, certificate validation for
// zones hosted elsewhere), set at start and changed at runtime from code or `/_emulator/settings`.
import type { EmulatorSettings, EmulatorState } from "./state";
import { asObject, optionalNumber, spell, type Spelling } from "./control-config";

const MAX_DELAY_MS = 600_000;
const SETTING_NAMES: readonly (keyof EmulatorSettings)[] = ["cdnDeployDelayMs", "sslValidationDelayMs"];

/** The settings given (each optional); throws `ControlConfigError` naming a bad one. */
export function readSettings(value: unknown, spelling: Spelling): Partial<EmulatorSettings> {
  const raw = asObject(value, "settings");
  const settings: Partial<EmulatorSettings> = {};
  for (const name of SETTING_NAMES) {
    const given = optionalNumber(raw[spell(name, spelling)], spell(name, spelling), { min: 0, max: MAX_DELAY_MS, integer: true });
    if (given !== undefined) settings[name] = given;
  }
  return settings;
}

export function applySettings(state: EmulatorState, settings: Partial<EmulatorSettings>): EmulatorSettings {
  Object.assign(state.settings, settings);
  return { ...state.settings };
}

export function settingsJson(settings: EmulatorSettings) {
  return { cdn_deploy_delay_ms: settings.cdnDeployDelayMs, ssl_validation_delay_ms: settings.sslValidationDelayMs };
}
