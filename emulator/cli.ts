#!/usr/bin/env node
import { startEmulator } from "./index";

async function main(): Promise<void> {
  const emu = await startEmulator({ port: 0 });
  console.log(`Management API  ${emu.url}\nS3 endpoint     ${emu.s3Url}\nAPI key         ${emu.apiKey}`);
}
void main();
