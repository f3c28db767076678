/**
 * The package's version, as `docker-resource --version` prints it. A constant rather than an import
 * of package.json, which would put the whole manifest into every hook's start-up (a test keeps the
 * two equal).
 */
export const VERSION = '0.1.0';
