export default {
  displayName: 'servicebus-emulator',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
};
