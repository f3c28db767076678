/** The fields of an `oci-image` resource file, as persisted (holds credentials: never log it). */
export interface ImageFields {
  registryPath: string;
  username: string;
  password: string;
  auth?: string;
  email?: string;
  identityToken?: string;
  registryToken?: string;
  repository?: string;
  serverAddress?: string;
  region?: string;
}
