// The bearer tokens the emulator accepts: the local credential of the platform clients signs with
// this prefix. A contract test holds the two sides together (the emulator imports nothing of
// src/platform). It never accepts a real Entra ID token and never leaves the machine.
export const EMULATOR_TOKEN_PREFIX = 'emulator.';
