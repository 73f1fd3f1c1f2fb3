import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('blob-storage', __dirname);
