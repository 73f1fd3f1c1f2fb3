import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('contracts', __dirname);
