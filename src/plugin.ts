/**
 * The entry Pulumi's component provider host loads (package.json `main`) when another language uses
 * this package (`pulumi package add`): it exports exactly the components offered to Python, Go, C#
 * and YAML. TypeScript users import the whole library through package.json `exports` instead.
 */
export { RayPlatform } from "./platform/platform";
