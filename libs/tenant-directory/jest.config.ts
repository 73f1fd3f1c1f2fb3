import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('tenant-directory', __dirname);
