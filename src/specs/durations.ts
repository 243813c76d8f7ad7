/** Durations as `az ml` YAML writes them (seconds as a number) → ISO 8601 as ARM expects. */
export function secondsToIso(seconds: number): string {
  return `PT${seconds}S`;
}
