export const ROOT: string;
export const CLI_BUNDLE: string;
export function sourcesStamp(): string;
export function cliBundleCurrent(): boolean;
export function cliBundleBuild(): Promise<void>;
